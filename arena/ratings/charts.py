"""Server-rendered chart geometry for the leaderboard: plain numbers for an SVG template."""

from __future__ import annotations

import math
from collections.abc import Sequence

ROW_HEIGHT = 28
LABEL_WIDTH = 190
PLOT_WIDTH = 460
PAD = 16


def interval_chart(rows: Sequence[dict]) -> dict | None:
    """Rating dots with 95% interval bars, one row per model, on a shared Elo axis."""
    if not rows:
        return None
    low = min(r["ci_low"] for r in rows)
    high = max(r["ci_high"] for r in rows)
    step = _nice_step((high - low) / 5 or 10)
    start, stop = math.floor(low / step) * step, math.ceil(high / step) * step
    span = (stop - start) or 1.0

    def x(value: float) -> float:
        return round(LABEL_WIDTH + (value - start) / span * PLOT_WIDTH, 1)

    items = [
        {
            "y": PAD + i * ROW_HEIGHT + ROW_HEIGHT / 2,
            "label": r["model"],
            "x_low": x(r["ci_low"]),
            "x_high": x(r["ci_high"]),
            "x_rating": x(r["rating"]),
            "row": r,
        }
        for i, r in enumerate(rows)
    ]
    height = PAD * 2 + len(rows) * ROW_HEIGHT + 24
    ticks = []
    value = start
    while value <= stop + 1e-9:
        ticks.append({"x": x(value), "label": f"{value:.0f}"})
        value += step
    return {
        "width": LABEL_WIDTH + PLOT_WIDTH + PAD * 2,
        "height": height,
        "axis_y": height - 24,
        "plot_top": PAD,
        "items": items,
        "ticks": ticks,
    }


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


HEAT_STEPS = 4


def heat_shade(rate: float | None) -> str:
    """A CSS class from static/css/portal.css (no inline style: the CSP allows none): blue above an
    even win rate, orange below, HEAT_STEPS light shades each, so dark text keeps AA contrast."""
    if rate is None:
        return "heat-none"
    step = min(HEAT_STEPS, round(abs(rate - 0.5) * 2 * HEAT_STEPS))
    return f"heat-{'up' if rate >= 0.5 else 'down'}-{step}"


def heat_cells(matrices: dict) -> list[dict]:
    """Rows of the win-rate table: text in every cell, shade only as a second cue."""
    names = matrices["models"]
    table = []
    for i, name in enumerate(names):
        cells = []
        for j in range(len(names)):
            rate = matrices["win_rate"][i][j]
            count = matrices["battle_count"][i][j]
            cells.append({"rate": rate, "count": count, "self": i == j, "shade": heat_shade(rate)})
        table.append({"name": name, "cells": cells})
    return table
