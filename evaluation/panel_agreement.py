"""How far the citizen panel and the experts agree, model by model, on the battles routed for re-check.

For each routed battle that experts have scored, every model in it gets two verdicts on the same scale:
the panel member's (1 won, 0.5 tie or both bad, 0 lost) and the experts' (each expert's verdict the same
way, from whichever side their rubric mean put higher, averaged over the experts). Krippendorff's alpha
(interval) between those two columns, over the model's battles, is the agreement: 1 is perfect, 0 is
what chance would give, below 0 systematic disagreement. The share of battles where the panel and the
experts' majority picked the same side is shown beside it, because it reads more easily.
"""

from __future__ import annotations

from collections import defaultdict

from arena.models import Campaign, PanelExpertCheck, Vote
from evaluation.agreement import alpha
from evaluation.models import RUBRIC, ExpertScore

TIE_MARGIN = 0.25  # rubric means closer than this (on 1..5) are a tie in the expert's eyes
PANEL_OUTCOME = {"a": 1.0, "b": 0.0, "tie": 0.5, "both_bad": 0.5}


def _expert_outcomes(battle_ids) -> dict:
    """battle id -> list of each expert's outcome for side A (1, 0.5, 0)."""
    means: dict[tuple, dict[str, float]] = defaultdict(dict)
    scores = ExpertScore.objects.filter(
        assignment__battle_id__in=battle_ids, assignment__submitted_at__isnull=False
    ).values("assignment_id", "assignment__battle_id", "side", *RUBRIC)
    for row in scores:
        means[(row["assignment__battle_id"], row["assignment_id"])][row["side"]] = sum(
            row[c] for c in RUBRIC
        ) / len(RUBRIC)
    outcomes: dict = defaultdict(list)
    for (battle_id, _assignment), sides in means.items():
        if {"a", "b"} <= sides.keys():
            diff = sides["a"] - sides["b"]
            outcomes[battle_id].append(1.0 if diff > TIE_MARGIN else 0.0 if diff < -TIE_MARGIN else 0.5)
    return outcomes


def panel_expert_agreement(campaign: Campaign) -> dict:
    """{"models": [{model, team, battles, alpha, same_side}], "battles": routed, "reviewed": with scores}."""
    checks = PanelExpertCheck.objects.filter(campaign=campaign).values_list("battle_id", flat=True)
    votes = list(
        Vote.objects.filter(battle_id__in=checks, inclusion=Vote.Inclusion.VALID).select_related(
            "battle__model_a__team", "battle__model_b__team"
        )
    )
    experts = _expert_outcomes([v.battle_id for v in votes])
    per_model: dict[int, dict] = {}
    reviewed = 0
    for vote in votes:
        expert = experts.get(vote.battle_id)
        if not expert:
            continue
        reviewed += 1
        panel_a = PANEL_OUTCOME[vote.choice]
        expert_a = sum(expert) / len(expert)
        majority = round(expert_a * 2) / 2  # the experts' verdict on the 0 / 0.5 / 1 scale
        for endpoint, flip in ((vote.battle.model_a, False), (vote.battle.model_b, True)):
            entry = per_model.setdefault(
                endpoint.pk,
                {"model": endpoint.name, "team": endpoint.team.name, "panel": [], "expert": [], "same": 0},
            )
            entry["panel"].append(1 - panel_a if flip else panel_a)
            entry["expert"].append(1 - expert_a if flip else expert_a)
            entry["same"] += int(panel_a == majority)
    rows = []
    for entry in per_model.values():
        n = len(entry["panel"])
        value = alpha([entry["panel"], entry["expert"]], level="interval")
        rows.append(
            {
                "model": entry["model"],
                "team": entry["team"],
                "battles": n,
                "alpha": None if value is None else round(value, 3),
                "same_side": round(entry["same"] / n, 3),
            }
        )
    rows.sort(key=lambda r: (r["model"], r["team"]))
    return {"models": rows, "battles": len(checks), "reviewed": reviewed}
