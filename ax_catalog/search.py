"""Korean full-text search for use cases: one analysis, one index per database.

Text is cut into morphemes by kiwipiepy (its model ships with the package) and only content morphemes
are kept: nouns, roots, verb and adjective stems, foreign words and numbers. "민원상담", "민원을" and
"민원" all yield 민원; "상담 챗봇" yields 상담 and 챗봇. The space-separated lexemes are stored on the use
case; PostgreSQL keeps to_tsvector('simple', ...) in a generated column with a GIN index and ranks with ts_rank,
SQLite keeps them in an FTS5 table and ranks with bm25. `match_sql` is the one place that decides.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from ax_catalog.models import UseCase

CONTENT_TAGS = {"NNG", "NNP", "NR", "XR", "SL", "SN", "SH", "VV", "VA"}
FTS_TABLE = "ax_usecase_fts"
_lock = threading.Lock()
_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=1)
def _kiwi():
    from kiwipiepy import Kiwi

    # Two or more workers let a batch (an import) be analysed on every core; single texts are unaffected.
    return Kiwi(num_workers=max(2, min(os.cpu_count() or 1, 4)))


def _content(tokens) -> list[str]:
    lexemes = []
    for token in tokens:
        if token.tag in CONTENT_TAGS:
            lexemes.extend(w.lower() for w in _WORD.findall(token.form))
    return lexemes


def analyse(text: str) -> list[str]:
    """Content morphemes of `text`, lowercased, in order (repeats kept: they weigh in ranking)."""
    return analyse_many([text])[0]


def analyse_many(texts: list[str]) -> list[list[str]]:
    """analyse() of each text; a batch is analysed in parallel by the analyser's worker threads."""
    out: list[list[str]] = [[] for _ in texts]
    todo = [i for i, text in enumerate(texts) if text and text.strip()]
    if not todo:
        return out
    with _lock:  # one shared analyser; its model takes seconds to load, so it is loaded once
        if len(todo) == 1:
            results = [_kiwi().tokenize(texts[todo[0]])]
        else:
            results = list(_kiwi().tokenize([texts[i] for i in todo]))
    for i, tokens in zip(todo, results, strict=True):
        out[i] = _content(tokens)
    return out


def document_lexemes(fields: list[tuple[str, int]]) -> str:
    """Lexemes of a record's searchable fields; a field's weight repeats its lexemes (title counts most)."""
    return documents_lexemes([fields])[0]


def documents_lexemes(documents: list[list[tuple[str, int]]]) -> list[str]:
    """document_lexemes() of many records with one batch through the analyser."""
    analysed = iter(analyse_many([text for fields in documents for text, _ in fields]))
    return [" ".join(lex for _, weight in fields for lex in next(analysed) * weight) for fields in documents]


def index_rows(rows: list[tuple[int, str]]) -> None:
    """Keep the SQLite FTS5 table in step with (pk, lexemes) rows (PostgreSQL's index is an expression
    index on the column, kept by the database)."""
    if connection.vendor != "sqlite" or not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [[pk] for pk, _ in rows])
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE}(rowid, lexemes) VALUES (%s, %s)", [list(r) for r in rows]
        )


@dataclass(frozen=True)
class Match:
    """SQL for "this row matches" and for each row's score, to put inside the catalogue's own query
    (no id lists travel between the database and Python): `queryset.filter(match.where)`."""

    where: RawSQL
    score: RawSQL


def match_sql(query: str) -> Match | None:
    """Records with every content morpheme of the query; when there are none, records with any of
    them. None when the query has no searchable content (then nothing is filtered)."""
    terms = list(dict.fromkeys(analyse(query)))
    if not terms:
        return None
    every = _sql(terms, every=True)
    if len(terms) > 1 and not UseCase.objects.filter(every.where).exists():
        return _sql(terms, every=False)
    return every


def _sql(terms: list[str], *, every: bool) -> Match:
    if connection.vendor == "postgresql":
        # Lexemes are \w+ words (analyse() guarantees it), so quoting them makes a safe tsquery.
        # search_vector is a stored generated column (migration 0005) with a GIN index.
        tsquery = (" & " if every else " | ").join("'" + t + "'" for t in terms)
        # A condition on the row itself (not `id IN (SELECT ...)`) lets the planner use the GIN index.
        return Match(
            where=RawSQL(
                "ax_catalog_usecase.search_vector @@ to_tsquery('simple', %s)", [tsquery], BooleanField()
            ),
            score=RawSQL("ts_rank(ax_catalog_usecase.search_vector, to_tsquery('simple', %s))", [tsquery]),
        )
    match = (" AND " if every else " OR ").join('"' + t + '"' for t in terms)
    return Match(
        where=RawSQL(
            f"ax_catalog_usecase.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [match],
            BooleanField(),
        ),
        score=RawSQL(
            f"(SELECT -bm25({FTS_TABLE}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND {FTS_TABLE}.rowid = ax_catalog_usecase.id)",
            [match],
        ),
    )


def ranked_ids(query: str) -> dict[int, float] | None:
    """The matching ids with their scores (for tests and tools; pages use match_sql)."""
    found = match_sql(query)
    if found is None:
        return None
    rows = UseCase.objects.filter(found.where).annotate(score=found.score).values_list("pk", "score")
    return {pk: float(score) for pk, score in rows}
