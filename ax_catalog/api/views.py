"""The catalogue's public API: published records in the open-data shape (open_data.record, described
by the versioned JSON Schema served here too), search with facets, one record, its history."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from ax_catalog import open_data, selectors
from ax_catalog.models import SCHEMA_VERSION, UseCase


class RecordSerializer(serializers.BaseSerializer):
    """A published record as open_data.record gives it (schema: /api/v1/ax/schema/usecase-<v>.json)."""

    def to_representation(self, instance):
        return open_data.record(instance)


class FacetedPagination(PageNumberPagination):
    """Pages of cases with the facet counts of the whole result alongside."""

    def __init__(self) -> None:
        super().__init__()
        self.facets: dict = {}

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["facets"] = self.facets
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["facets"] = {
            "type": "object",
            "description": "per facet: value, label, count (all other selections applied), selected",
            "additionalProperties": {"type": "array", "items": {"type": "object"}},
        }
        return schema


class UseCaseListApi(generics.ListAPIView):
    """Published use cases: `q` searches (Korean morphemes, English stems), facet parameters narrow
    (repeatable), `missing` keeps high-impact cases lacking a practice (`missing=independent_review`);
    paginated; each page carries the facet counts."""

    serializer_class = RecordSerializer
    pagination_class = FacetedPagination

    @extend_schema(
        parameters=[OpenApiParameter("q", str), OpenApiParameter(selectors.MISSING, str, many=True)]
        + [OpenApiParameter(key, str, many=True) for key in selectors.FACETS],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        params = request.query_params
        selected = {key: params.getlist(key) for key in selectors.FACETS if params.getlist(key)}
        results = selectors.usecase_search(
            query=params.get("q", "")[:200], selected=selected, missing=params.getlist(selectors.MISSING)
        )
        self.paginator.facets = results.facets
        cases = selectors.CountedCases(results.cases.prefetch_related("kpis"), results.total)
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_queryset(self):  # for the schema generator; list() runs the search itself
        return UseCase.objects.none()


def _published(case_id: str) -> UseCase:
    case = selectors.usecase_public(case_id)
    if case is None:
        raise Http404
    return case


class UseCaseDetailApi(APIView):
    """One published record by its portal id."""

    @extend_schema(operation_id="ax_use_case_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request, case_id: str):
        return Response(open_data.record(_published(case_id)))


class UseCaseHistoryApi(APIView):
    """Every public version of a record, newest first: its number, what happened, when, and the
    record as it then stood."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, case_id: str):
        case = _published(case_id)
        return Response({"id": case.case_id, "versions": selectors.usecase_history(case)})


class RecordSchemaApi(APIView):
    """The published JSON Schema of a record, by version."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, version: str = SCHEMA_VERSION):
        path = open_data.schema_path(version)
        if not path.resolve().is_relative_to(open_data.SCHEMA_DIR) or not path.exists():
            raise Http404
        return FileResponse(path.open("rb"), content_type="application/schema+json")
