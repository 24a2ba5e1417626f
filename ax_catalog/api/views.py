from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination

from ax_catalog import selectors
from ax_catalog.models import Kpi, UseCase


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
    """Published use cases: `q` searches in Korean, facet parameters narrow (repeatable), paginated;
    each page carries the facet counts."""

    class KpiSerializer(serializers.ModelSerializer):
        class Meta:
            model = Kpi
            fields = ["metric", "unit", "before", "after", "measured_on", "source"]

    class OutputSerializer(serializers.ModelSerializer):
        agency = serializers.CharField(source="agency.name")
        agency_type = serializers.CharField(source="agency.agency_type")
        sovereign_model = serializers.CharField(source="sovereign_model.name", default=None)
        kpis = serializers.SerializerMethodField()

        class Meta:
            model = UseCase
            exclude = ["id", "search_lexemes", "status", "review_comment"]

        def get_kpis(self, obj) -> list[dict]:
            return UseCaseListApi.KpiSerializer(obj.kpis.all(), many=True).data

    serializer_class = OutputSerializer
    pagination_class = FacetedPagination

    @extend_schema(
        parameters=[OpenApiParameter("q", str)]
        + [OpenApiParameter(key, str, many=True) for key in selectors.FACETS]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        params = request.query_params
        selected = {key: params.getlist(key) for key in selectors.FACETS if params.getlist(key)}
        results = selectors.usecase_search(query=params.get("q", "")[:200], selected=selected)
        self.paginator.facets = results.facets
        cases = selectors.CountedCases(results.cases.prefetch_related("kpis"), results.total)
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_queryset(self):  # for the schema generator; list() runs the search itself
        return UseCase.objects.none()
