"""What the public results page may show: only what a reviewer published, a plain statement of what
was withheld and why (the stage-1 criticism was withheld numbers without saying so), each team's
outcome in words, the pass line, and the method version the figures were published with.

Teams are grouped by outcome (advances, the line, does not advance, undecided, gate not passed) and
listed by name inside each group, so the order never leaks a ranking that was not published. A team
that failed the originality gate has no rank at all: "순위 없음: 독자성 기준 미충족".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from evaluation import appeals, scoring, selectors
from evaluation.labels import PUBLISHABLE_EXTRA
from evaluation.models import Round

NO_RANK_GATE = _("순위 없음: 독자성 기준 미충족")

# The outcome in words, for citizens (the staff scorecard has its own, more technical labels).
OUTCOME = {
    scoring.ADVANCE: _("진출"),
    scoring.BELOW: _("진출하지 못함"),
    scoring.TIE: _("진출 미정: 통과선 동점"),
    scoring.GATE_PENDING: _("진출 미정: 독자성 심사 중"),
    scoring.INCOMPLETE: _("진출 미정: 근거 부족"),
    scoring.GATE_FAILED: _("진출 불가: 독자성 기준 미충족"),
}
GROUPS = (
    ("advance", _("진출"), {scoring.ADVANCE}),
    ("below", _("진출하지 못함"), {scoring.BELOW}),
    ("undecided", _("진출 미정"), {scoring.TIE, scoring.GATE_PENDING, scoring.INCOMPLETE}),
    ("gate_failed", _("독자성 기준 미충족"), {scoring.GATE_FAILED}),
)


@dataclass(frozen=True)
class PublicCell:
    label: str
    value: str | None  # None: withheld (or missing, see below)
    missing: bool = False


@dataclass(frozen=True)
class PublicRow:
    team: str
    status: str
    outcome: str
    cells: list[PublicCell]
    withheld: list[str]


@dataclass(frozen=True)
class PublicGroup:
    key: str
    label: str
    rows: list[PublicRow]


def public_view(round_obj: Round) -> dict:
    built = selectors.scorecard_build(round_obj, draws=0)
    rows: list[PublicRow] = []
    for team in built.card.teams:
        shown = set(built.entries[team.key].published)
        cells, withheld = [], []
        for block in built.blocks:
            points = team.points[block.key]
            if block.key in shown:
                cells.append(
                    PublicCell(block.label, None if points is None else f"{points:.1f}", points is None)
                )
            else:
                cells.append(PublicCell(block.label, None))
                withheld.append(block.label)
        values = {
            "total": None if team.total is None else f"{team.total:.1f}",
            "rank": None if team.rank is None else str(team.rank),
            "gate": built.entries[team.key].get_gate_display(),
        }
        for key, label in PUBLISHABLE_EXTRA.items():
            value = values[key]
            if key == "rank" and team.status == scoring.GATE_FAILED:
                cells.append(PublicCell(label, str(NO_RANK_GATE)))  # never a number, published or not
            elif key in shown:
                cells.append(PublicCell(label, value, value is None))
            else:
                cells.append(PublicCell(label, None))
                withheld.append(label)
        rows.append(PublicRow(team.name, team.status, str(OUTCOME[team.status]), cells, withheld))
    groups = [
        PublicGroup(key, label, sorted((r for r in rows if r.status in statuses), key=lambda r: r.team))
        for key, label, statuses in GROUPS
    ]
    headers = [f"{b.label} ({b.weight:g})" for b in built.blocks] + [
        str(v) for v in PUBLISHABLE_EXTRA.values()
    ]
    return {
        "round": round_obj,
        "blocks": built.blocks,
        "groups": [g for g in groups if g.rows],
        "rows": sorted(rows, key=lambda r: r.team),
        "headers": headers,
        "line": _line(built),
        "line_withheld": built.card.line is not None and _line(built) is None,
        "advancing": sum(1 for r in rows if r.status == scoring.ADVANCE),
        "appeals": appeals.appeals_public(round_obj),
        "user_board": built.user_board,
    }


def _line(built: selectors.RoundScorecard) -> str | None:
    """The pass line's total, when showing it reveals nothing unpublished: every team whose total is
    at the line has its total published."""
    line = built.card.line
    if line is None:
        return None
    at_line = [
        t
        for t in built.card.teams
        if t.gate == scoring.GATE_PASS
        and t.total is not None
        and round(t.total, scoring.TIE_DECIMALS) == line
    ]
    if at_line and all("total" in built.entries[t.key].published for t in at_line):
        return f"{line:.1f}"
    return None
