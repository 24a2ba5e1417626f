from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from arena.models import LeaderboardSnapshot
from arena.ratings.snapshots import snapshot_latest
from arena.ratings.tables import VIEWS
from core.errors import DomainError


class LeaderboardApi(APIView):
    """The newest leaderboard snapshot of one view; the same data as /leaderboard/."""

    @extend_schema_serializer(component_name="LeaderboardSnapshot")
    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = LeaderboardSnapshot
            fields = [
                "view",
                "created_at",
                "votes_counted",
                "votes_excluded",
                "seed",
                "bootstrap_rounds",
                "min_votes",
                "rows",
                "matrices",
                "method",
                "method_version",
            ]

    @extend_schema(
        parameters=[OpenApiParameter("view", str, enum=list(VIEWS), default="overall")],
        responses=OutputSerializer,
    )
    def get(self, request):
        view = request.query_params.get("view", LeaderboardSnapshot.View.OVERALL)
        if view not in VIEWS:
            raise DomainError(_("알 수 없는 보기입니다: %(view)s") % {"view": view}, code="unknown_view")
        snapshot = snapshot_latest(view)
        if snapshot is None:
            error = DomainError(_("아직 집계된 리더보드가 없습니다."), code="no_snapshot")
            error.http_status = 404
            raise error
        return Response(self.OutputSerializer(snapshot).data)
