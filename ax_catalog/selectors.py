"""Reads of the catalogue: search with facets over published cases, the high-impact practice gaps,
the public record history."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress

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
    if not combos:
        return {key: Counter() for key in FACETS}, 0
    values, weights = zip(*combos, strict=True)
    return facet_counts_columns(list(zip(*values, strict=True)), selected, weights=list(weights))


def facet_counts_columns(
    columns: list[Sequence], selected: dict[str, list[str]], *, weights: Sequence[int] | None = None
) -> tuple[dict[str, Counter], int]:
    """facet_counts over rows given column by column (one sequence per facet, in FACETS order), each
    row weighing its `weights` entry (default 1). A search's thousands of matching rows are counted
    by Counter and itertools.compress in C, not one row at a time in Python."""
    passes = _passes(columns, selected)
    size = len(columns[0]) if columns else 0

    def tally(column: Sequence, mask: list[bool] | None) -> Counter:
        chosen = column if mask is None else compress(column, mask)
        if weights is None:
            return Counter(chosen)
        counter: Counter = Counter()
        for value, n in zip(chosen, weights if mask is None else compress(weights, mask), strict=False):
            counter[value] += n
        return counter

    counts = {key: tally(columns[i], _mask(passes, skip=i)) for i, key in enumerate(FACETS)}
    every = _mask(passes)
    if weights is None:
        total = size if every is None else sum(every)
    else:
        total = sum(weights if every is None else compress(weights, every))
    return counts, total


def _passes(columns: list[Sequence], selected: dict[str, list[str]]) -> dict[int, list[bool]]:
    """For each facet with a selection (by position), whether each row's value is selected."""
    passes = {}
    for i, key in enumerate(FACETS):
        if allowed := set(selected.get(key) or ()):
            passes[i] = [value in allowed for value in columns[i]]
    return passes


def _mask(passes: dict[int, list[bool]], skip: int | None = None) -> list[bool] | None:
    """Rows passing every selection but `skip`'s; None when no selection applies (every row)."""
    applying = [mask for i, mask in passes.items() if i != skip]
    if not applying:
        return None
    return applying[0] if len(applying) == 1 else [all(row) for row in zip(*applying, strict=True)]


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
) -> tuple[tuple[dict[str, Counter], int], list[int], int]:
    """One scan of the matching cases, in rank order, with each one's facet values: the facet counts,
    the ids passing every selection and how many matched before any selection all come from it (one
    read of the index and the rows, not one for the counts and one for the page). Column by column,
    so the per-row work runs in C (a common word matches thousands of a national register's records)."""
    keys = list(FACETS)
    at_agency, at_model = keys.index("agency"), keys.index("model")
    # PostgreSQL puts the rows in rank order (ties by case id) as it reads them, in C.
    rows = list(
        base.annotate(score=score)
        .order_by("-score", "case_id")
        .values_list(*[_SCAN.get(k, FACETS[k]) for k in keys], "pk", "score")  # ordered by, so selected
    )
    if not rows:
        return facet_counts([], selected), [], 0
    agencies, models = _names(rows, at_agency, at_model)
    columns = list(zip(*rows, strict=True))
    facets = list(columns[: len(keys)])
    facets[at_agency] = list(map(agencies.__getitem__, facets[at_agency]))
    facets[at_model] = list(map(models.get, facets[at_model]))
    pks = columns[len(keys)]
    every = _mask(_passes(facets, selected))
    passing = list(pks if every is None else compress(pks, every))
    return facet_counts_columns(facets, selected), passing, len(rows)


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
        tallied, ids, matched = _ranked(base.filter(every.where), every.score, selected)
        if relaxed is not None and matched < search.RELAX_BELOW:
            found = relaxed  # few records have every word: those with some of them follow
            tallied, ids, _ = _ranked(base.filter(relaxed.where), relaxed.score, selected)
        base = base.filter(found.where)
        cases = RankedCases(ids, UseCase.objects.select_related("agency", "sovereign_model__team"))
    else:
        cases = _filtered(base, selected).order_by("-updated_at", "case_id")
        tallied = facet_counts(_combos(base), selected)
    counts, total = tallied
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
