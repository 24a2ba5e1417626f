from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles
from evaluation import selectors
from evaluation.models import Round
from evaluation.publication import public_view
from evaluation.serialize import scorecard_dict


class ScorecardApi(APIView):
    """The full computed scorecard of a round (ministry reviewers and administrators only)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, slug: str):
        roles.require(request.user, roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)
        return Response(scorecard_dict(selectors.scorecard_build(get_object_or_404(Round, slug=slug))))


class ResultsApi(APIView):
    """What the public results page shows: published cells only; withheld ones are null and listed."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, slug: str):
        round_obj = get_object_or_404(Round, slug=slug, is_published=True)
        view = public_view(round_obj)
        return Response(
            {
                "round": {"slug": round_obj.slug, "name": round_obj.name, "stage": round_obj.stage},
                "columns": [str(h) for h in view["headers"]],
                "teams": [
                    {
                        "team": r.team,
                        "values": [c.value for c in r.cells],
                        "withheld": [str(w) for w in r.withheld],
                    }
                    for r in view["rows"]
                ],
            }
        )
