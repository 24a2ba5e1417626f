"""Reads of the catalogue: search with facets over published cases, the high-impact practice gaps,
the public record history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from arena.models import ModelEndpoint
from ax_catalog import open_data, search
from ax_catalog.models import PRACTICES, Agency, AIClass, Practice, RiskTier, Stage, Topic, UseCase

# URL parameter -> model field
FACETS = {
    "agency": "agency__name",
    "topic": "topic_area",
    "stage": "stage",
    "ai": "ai_class",
    "model": "sovereign_model__name",
    "risk": "risk_tier",
}
LABELS = {
    "topic": dict(Topic.choices),
    "stage": dict(Stage.choices),
    "ai": dict(AIClass.choices),
    "risk": dict(RiskTier.choices),
}
# URL parameter for "high-impact cases without ...": its values are practice keys without the prefix
# (`?missing=independent_review`).
MISSING = "missing"
MISSING_KEYS = {key.removeprefix("practice_"): key for key in PRACTICES}


@dataclass(frozen=True)
class Results:
    cases: QuerySet | RankedCases
    facets: dict[str, list[dict]]
    query: str
    selected: dict[str, list[str]]
    total: int  # cases matching the query and every selection (from the facet scan)
    partial: bool = False  # few cases had every query word: cases with some of them are included

    def pageable(self) -> CountedCases:
        """The cases for a paginator that takes the known total instead of counting again."""
        return CountedCases(self.cases, self.total)


class CountedCases:
    """A queryset with its count already known (Django's and DRF's paginators call count())."""

    def __init__(self, cases: QuerySet, total: int):
        self.cases, self.total, self.ordered = cases, total, True

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        return self.cases[index]


def _filtered(base: QuerySet, selected: dict[str, list[str]], skip: str | None = None) -> QuerySet:
    for key, values in selected.items():
        if key != skip and values:
            base = base.filter(**{f"{FACETS[key]}__in": values})
    return base


def facet_counts(
    combos: list[tuple[tuple, int]], selected: dict[str, list[str]]
) -> tuple[dict[str, Counter], int]:
    """Counts per facet value from the number of cases per combination of facet values (in FACETS
    order). A facet's counts apply every selection but its own, so a choice never dead-ends; the
    total applies them all. Pure, so one scan of the database serves all six facets."""
    keys = list(FACETS)
    active = [(i, set(selected[k])) for i, k in enumerate(keys) if selected.get(k)]
    counts = {k: Counter() for k in keys}
    total = 0
    for values, n in combos:
        misses = [i for i, allowed in active if values[i] not in allowed]
        if not misses:
            total += n
            for i, key in enumerate(keys):
                counts[key][values[i]] += n
        elif len(misses) == 1:  # fails only its own facet's selection: counts there, nowhere else
            i = misses[0]
            counts[keys[i]][values[i]] += n
    return counts, total


# The facet scan groups by the case's own columns (no joins); names are looked up afterwards.
_SCAN = {"agency": "agency_id", "model": "sovereign_model_id"}


def _names(rows: list[tuple], at_agency: int, at_model: int) -> tuple[dict, dict]:
    agencies = dict(Agency.objects.filter(pk__in={r[at_agency] for r in rows}).values_list("pk", "name"))
    models = dict(
        ModelEndpoint.objects.filter(pk__in={r[at_model] for r in rows} - {None}).values_list("pk", "name")
    )
    return agencies, models


def _combos(base: QuerySet) -> list[tuple[tuple, int]]:
    """Cases per combination of facet values, in FACETS order, with agency and model as names."""
    keys = list(FACETS)
    at_agency, at_model = keys.index("agency"), keys.index("model")
    rows = list(base.order_by().values_list(*[_SCAN.get(k, FACETS[k]) for k in keys]).annotate(n=Count("pk")))
    agencies, models = _names(rows, at_agency, at_model)
    combos = []
    for *values, n in rows:
        values[at_agency] = agencies[values[at_agency]]
        values[at_model] = models.get(values[at_model])
        combos.append((tuple(values), n))
    return combos


class RankedCases:
    """The cases of a search in rank order, known by id: the page's rows are read when it is shown.
    Quacks like the queryset the pages, the API and the tests use (iterate, slice, count, first)."""

    def __init__(self, ids: list[int], queryset: QuerySet):
        self.ids, self.queryset, self.ordered = ids, queryset, True

    def _rows(self, ids: list[int]) -> list[UseCase]:
        found = self.queryset.in_bulk(ids)
        return [found[i] for i in ids if i in found]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._rows(self.ids[index])
        return self._rows([self.ids[index]])[0]

    def __iter__(self):
        return iter(self._rows(self.ids))

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:
        return len(self.ids)

    def exists(self) -> bool:
        return bool(self.ids)

    def first(self) -> UseCase | None:
        return self[0] if self.ids else None

    def prefetch_related(self, *lookups) -> RankedCases:
        return RankedCases(self.ids, self.queryset.prefetch_related(*lookups))


def _ranked(
    base: QuerySet, score, selected: dict[str, list[str]]
) -> tuple[list[tuple[tuple, int]], list[int]]:
    """One scan of the matching cases: each one's facet values and score. The facet counts come from
    these rows (as _combos would give them), and so does the rank order of the cases that pass every
    selection: one read of the index and the rows instead of one for the counts and one for the page."""
    keys = list(FACETS)
    at_agency, at_model = keys.index("agency"), keys.index("model")
    rows = list(
        base.order_by()
        .annotate(score=score)
        .values_list(*[_SCAN.get(k, FACETS[k]) for k in keys], "score", "case_id", "pk")
    )
    agencies, models = _names(rows, at_agency, at_model)
    chosen = [set(selected.get(k) or ()) for k in keys]
    combos: Counter = Counter()
    passing = []
    for *values, score_value, case_id, pk in rows:
        values[at_agency] = agencies[values[at_agency]]
        values[at_model] = models.get(values[at_model])
        combo = tuple(values)
        combos[combo] += 1
        if all(not allowed or combo[i] in allowed for i, allowed in enumerate(chosen)):
            passing.append((-score_value, case_id, pk))
    passing.sort()
    return list(combos.items()), [pk for _, _, pk in passing]


def usecase_search(
    *, query: str = "", selected: dict[str, list[str]] | None = None, missing: list[str] | None = None
) -> Results:
    """Published cases matching `query` (search.match_sql), ranked, narrowed by the selected facet
    values; each facet's counts apply all the other selections (so choices never dead-end). `missing`:
    only high-impact cases where each of these practices (keys of MISSING_KEYS) is not shown in place."""
    selected = {k: v for k, v in (selected or {}).items() if k in FACETS and v}
    base = UseCase.objects.published().select_related("agency", "sovereign_model__team")
    for key in missing or []:
        if key in MISSING_KEYS:
            base = base.high_impact_missing(MISSING_KEYS[key])
    found = None
    if query.strip():
        groups = search.query_groups(query)
        every, relaxed = search.match_plan(query, groups) if groups else (search.NOTHING, None)
        found = every
        combos, ids = _ranked(base.filter(every.where), every.score, selected)
        if relaxed is not None and sum(n for _, n in combos) < search.RELAX_BELOW:
            found = relaxed  # few records have every word: those with some of them follow
            combos, ids = _ranked(base.filter(relaxed.where), relaxed.score, selected)
        base = base.filter(found.where)
        cases = RankedCases(ids, UseCase.objects.select_related("agency", "sovereign_model__team"))
    else:
        cases = _filtered(base, selected).order_by("-updated_at", "case_id")
        combos = _combos(base)
    counts, total = facet_counts(combos, selected)
    facets = {}
    for key, counter in counts.items():
        facets[key] = [
            {
                "value": value,
                "label": str(LABELS.get(key, {}).get(value, value)),
                "count": n,
                "selected": value in selected.get(key, []),
            }
            for value, n in sorted(counter.items(), key=lambda item: (-item[1], item[0]))
            if value is not None
        ]
    partial = found is not None and not found.every
    return Results(cases=cases, facets=facets, query=query, selected=selected, total=total, partial=partial)


def usecases_using(endpoint: ModelEndpoint) -> QuerySet:
    """Published cases whose "model used" is this arena model, newest first."""
    return (
        UseCase.objects.published()
        .filter(sovereign_model=endpoint)
        .select_related("agency")
        .order_by("-updated_at", "case_id")
    )


@dataclass(frozen=True)
class PracticeGap:
    key: str  # the `missing` URL value
    label: str
    count: int  # published high-impact cases where the practice is not shown in place
    selected: bool


def practice_gaps(missing: list[str] | None = None) -> list[PracticeGap]:
    """For each structured practice: how many published high-impact cases do not show it in place."""
    high = UseCase.objects.published().filter(risk_tier=RiskTier.HIGH_IMPACT)
    counts = high.aggregate(
        **{key: Count("pk", filter=~Q(**{field: Practice.YES})) for key, field in MISSING_KEYS.items()}
    )
    return [
        PracticeGap(key=key, label=str(PRACTICES[field]), count=counts[key], selected=key in (missing or []))
        for key, field in MISSING_KEYS.items()
    ]


def usecase_public(case_id: str) -> UseCase | None:
    return (
        UseCase.objects.published()
        .select_related("agency", "sovereign_model__team")
        .prefetch_related("kpis")
        .filter(case_id=case_id)
        .first()
    )


def usecase_history(use_case: UseCase) -> list[dict]:
    """The public history of a record: every version saved while it was published (publication,
    edits and re-imports of the public record), newest first, with its date and the record as it then
    stood. Drafts and review comments are the agency's and the reviewer's, not the public's."""
    out = []
    for version in use_case.versions.order_by("-number"):
        if version.snapshot.get("status") != "published":
            continue
        out.append(
            {
                "version": version.number,
                "action": version.action,
                "date": version.created_at.isoformat(),
                "record": open_data.record_from_snapshot(version.snapshot, use_case),
            }
        )
    return out
