"""What the public results page may show: only what a reviewer published, and a plain statement of
what was withheld (the stage-1 criticism was withheld numbers without saying so)."""

from __future__ import annotations

from dataclasses import dataclass

from evaluation import selectors
from evaluation.labels import PUBLISHABLE_EXTRA
from evaluation.models import Round


@dataclass(frozen=True)
class PublicCell:
    label: str
    value: str | None  # None: withheld
    missing: bool = False


@dataclass(frozen=True)
class PublicRow:
    team: str
    cells: list[PublicCell]
    withheld: list[str]


def public_view(round_obj: Round) -> dict:
    built = selectors.scorecard_build(round_obj, draws=0)
    rows = []
    for team in built.card.teams:
        shown = set(built.entries[team.key].published)
        cells, withheld = [], []
        for block in built.blocks:
            points = team.points[block.key]
            if block.key in shown:
                cells.append(
                    PublicCell(block.name, None if points is None else f"{points:.1f}", points is None)
                )
            else:
                cells.append(PublicCell(block.name, None))
                withheld.append(block.name)
        values = {
            "total": None if team.total is None else f"{team.total:.1f}",
            "rank": None if team.rank is None else str(team.rank),
            "gate": built.entries[team.key].get_gate_display(),
        }
        for key, label in PUBLISHABLE_EXTRA.items():
            value = values[key]
            if key in shown:
                cells.append(PublicCell(label, value, value is None))
            else:
                cells.append(PublicCell(label, None))
                withheld.append(label)
        rows.append(PublicRow(team=team.name, cells=cells, withheld=withheld))
    # Public order never leaks an unpublished ranking: alphabetical.
    rows.sort(key=lambda r: r.team)
    headers = [f"{b.name} ({b.weight:g})" for b in built.blocks] + list(PUBLISHABLE_EXTRA.values())
    return {"round": round_obj, "blocks": built.blocks, "rows": rows, "headers": headers}
