"""Reads of the catalogue: search with facets over published cases."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from ax_catalog import search
from ax_catalog.models import AIClass, HighImpact, Stage, Topic, UseCase

# URL parameter -> (model field, label source)
FACETS = {
    "agency": "agency__name",
    "topic": "topic_area",
    "stage": "stage",
    "ai": "ai_class",
    "model": "sovereign_model__name",
    "high_impact": "high_impact",
}
LABELS = {
    "topic": dict(Topic.choices),
    "stage": dict(Stage.choices),
    "ai": dict(AIClass.choices),
    "high_impact": dict(HighImpact.choices),
}


@dataclass(frozen=True)
class Results:
    cases: QuerySet
    facets: dict[str, list[dict]]
    query: str
    selected: dict[str, list[str]]


def _filtered(base: QuerySet, selected: dict[str, list[str]], skip: str | None = None) -> QuerySet:
    for key, values in selected.items():
        if key != skip and values:
            base = base.filter(**{f"{FACETS[key]}__in": values})
    return base


def usecase_search(*, query: str = "", selected: dict[str, list[str]] | None = None) -> Results:
    """Published cases matching every content morpheme of `query`, ranked, narrowed by the selected
    facet values; each facet's counts apply all the other selections (so choices never dead-end)."""
    selected = {k: v for k, v in (selected or {}).items() if k in FACETS}
    base = UseCase.objects.published().select_related("agency", "sovereign_model__team")
    found = search.match_sql(query)
    if found is not None:
        base = base.filter(pk__in=found.ids)
    cases = _filtered(base, selected)
    if found is not None:
        cases = cases.annotate(score=found.score).order_by("-score", "case_id")
    else:
        cases = cases.order_by("-updated_at", "case_id")
    facets = {}
    for key, field in FACETS.items():
        counts = (
            _filtered(base, selected, skip=key)
            .exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(n=Count("pk"))
            .order_by("-n", field)
        )
        facets[key] = [
            {"value": row[field], "label": LABELS.get(key, {}).get(row[field], row[field]), "count": row["n"],
             "selected": row[field] in selected.get(key, [])}
            for row in counts
        ]  # fmt: skip
    return Results(cases=cases, facets=facets, query=query, selected=selected)
