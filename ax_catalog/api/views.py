from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from ax_catalog import selectors
from ax_catalog.models import Kpi, UseCase


class UseCaseListApi(generics.ListAPIView):
    """Published use cases: `q` searches in Korean, facet parameters narrow (repeatable), paginated."""

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

        def get_kpis(self, obj):
            return UseCaseListApi.KpiSerializer(obj.kpis.all(), many=True).data

    serializer_class = OutputSerializer

    @extend_schema(
        parameters=[OpenApiParameter("q", str)]
        + [OpenApiParameter(key, str, many=True) for key in selectors.FACETS]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        selected = {key: params.getlist(key) for key in selectors.FACETS if params.getlist(key)}
        results = selectors.usecase_search(query=params.get("q", "")[:200], selected=selected)
        return results.cases.prefetch_related("kpis")
