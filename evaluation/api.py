"""The stage evaluation's API: the computed scorecard for reviewers, the published results for all.

Each view declares its output with nested serializers, so the OpenAPI schema names every field; the
data itself is the same plain dict the `scorecard` command and the CSV export write
(evaluation/serialize.py), so the three cannot drift apart.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles
from core.api import HasRole
from evaluation import selectors
from evaluation.models import Round
from evaluation.publication import public_view
from evaluation.serialize import scorecard_dict


class RoundSummary(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    stage = serializers.IntegerField()


class ScorecardApi(APIView):
    """The full computed scorecard of a round (ministry reviewers and administrators only)."""

    permission_classes = [HasRole(roles.MINISTRY_REVIEWER, roles.ADMINISTRATOR)]

    class ScorecardSerializer(serializers.Serializer):
        class ScorecardRound(RoundSummary):
            advance_count = serializers.IntegerField()
            published = serializers.BooleanField()
            gate_policy = serializers.CharField()
            method_version = serializers.CharField(help_text="the method version last published with")

        class ScorecardSubItem(serializers.Serializer):
            key = serializers.CharField()
            name = serializers.CharField()
            name_en = serializers.CharField(allow_blank=True)
            points = serializers.FloatField()

        class ScorecardBlock(serializers.Serializer):
            key = serializers.CharField()
            name = serializers.CharField()
            name_en = serializers.CharField(allow_blank=True)
            kind = serializers.CharField()
            weight = serializers.FloatField()
            sub_items = serializers.ListField(child=serializers.DictField())

        class ScorecardUserBoard(serializers.Serializer):
            view = serializers.CharField(allow_null=True)
            is_panel = serializers.BooleanField()
            panel_members = serializers.IntegerField()
            panel_votes = serializers.IntegerField()
            votes_counted = serializers.IntegerField(allow_null=True)
            uncovered = serializers.ListField(child=serializers.CharField())

        class ScorecardTeam(serializers.Serializer):
            class ScorecardServing(serializers.Serializer):
                params_active = serializers.IntegerField(allow_null=True)
                params_total = serializers.IntegerField(allow_null=True)
                wh_per_million_tokens = serializers.FloatField(allow_null=True)
                energy_class = serializers.CharField(allow_null=True)
                tokens_per_s = serializers.FloatField(allow_null=True)
                measured_turns = serializers.IntegerField()

            team = serializers.CharField()
            model = serializers.CharField()
            gate = serializers.CharField()
            status = serializers.CharField()
            rank = serializers.IntegerField(allow_null=True)
            total = serializers.FloatField(allow_null=True)
            stability = serializers.FloatField(
                allow_null=True, help_text="share of draws keeping the same side of the line"
            )
            points = serializers.DictField(child=serializers.FloatField(allow_null=True))
            intervals = serializers.DictField(
                child=serializers.ListField(child=serializers.FloatField(), allow_null=True)
            )
            missing = serializers.ListField(child=serializers.CharField())
            missing_benchmark_sub_items = serializers.ListField(child=serializers.CharField())
            expert_reviews = serializers.IntegerField()
            user_rating_view = serializers.CharField(allow_null=True)
            derivatives = serializers.IntegerField(allow_null=True)
            benchmarks_flagged = serializers.ListField(child=serializers.CharField())
            benchmarks_without_reproducibility = serializers.ListField(child=serializers.CharField())
            serving = ScorecardServing(allow_null=True)
            published = serializers.ListField(child=serializers.CharField())

        round = ScorecardRound()
        method_version = serializers.CharField()
        rerun_tolerance = serializers.FloatField()
        user_board = ScorecardUserBoard(allow_null=True)
        weights = serializers.DictField(child=serializers.FloatField())
        official_weights = serializers.DictField(child=serializers.FloatField())
        what_if = serializers.BooleanField()
        line = serializers.FloatField(allow_null=True)
        blocks = ScorecardBlock(many=True)
        teams = ScorecardTeam(many=True)

    @extend_schema(responses=ScorecardSerializer)
    def get(self, request, slug: str):
        built = selectors.scorecard_build(get_object_or_404(Round, slug=slug))
        return Response(self.ScorecardSerializer(scorecard_dict(built)).data)


class ResultsApi(APIView):
    """What the public results page shows: published cells only; withheld ones are null and listed."""

    class ResultsSerializer(serializers.Serializer):
        class ResultsRound(RoundSummary):
            advance_count = serializers.IntegerField()
            method_version = serializers.CharField()
            withheld_reason = serializers.CharField(allow_blank=True)

        class ResultsTeam(serializers.Serializer):
            team = serializers.CharField()
            status = serializers.CharField()
            outcome = serializers.CharField(help_text="the outcome in words, in the request's language")
            values = serializers.ListField(child=serializers.JSONField(allow_null=True))
            withheld = serializers.ListField(child=serializers.CharField())

        round = ResultsRound()
        line = serializers.CharField(allow_null=True, help_text="the pass line's total, when published")
        columns = serializers.ListField(child=serializers.CharField())
        teams = ResultsTeam(many=True)

    @extend_schema(responses=ResultsSerializer)
    def get(self, request, slug: str):
        round_obj = get_object_or_404(Round, slug=slug, is_published=True)
        view = public_view(round_obj)
        data = {
            "round": round_obj,
            "line": view["line"],
            "columns": [str(h) for h in view["headers"]],
            "teams": [
                {
                    "team": r.team,
                    "status": r.status,
                    "outcome": r.outcome,
                    "values": [c.value for c in r.cells],
                    "withheld": [str(w) for w in r.withheld],
                }
                for r in view["rows"]
            ],
        }
        return Response(self.ResultsSerializer(data).data)
