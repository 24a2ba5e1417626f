"""Korean full-text search for use cases: one analysis, one index per database.

Text is cut into morphemes by kiwipiepy (its model ships with the package) and only content morphemes
are kept: nouns, roots, verb and adjective stems, foreign words and numbers. "민원상담", "민원을" and
"민원" all yield 민원; "상담 챗봇" yields 상담 and 챗봇. The space-separated lexemes are stored on the use
case; PostgreSQL indexes them with a GIN index on to_tsvector('simple', ...) and ranks with ts_rank,
SQLite keeps them in an FTS5 table and ranks with bm25. `ranked_ids` is the one place that decides.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

from django.db import connection
from django.db.models.expressions import RawSQL

from ax_catalog.models import UseCase

CONTENT_TAGS = {"NNG", "NNP", "NR", "XR", "SL", "SN", "SH", "VV", "VA"}
FTS_TABLE = "ax_usecase_fts"
_lock = threading.Lock()
_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=1)
def _kiwi():
    from kiwipiepy import Kiwi

    return Kiwi()


def analyse(text: str) -> list[str]:
    """Content morphemes of `text`, lowercased, in order (repeats kept: they weigh in ranking)."""
    if not text or not text.strip():
        return []
    with _lock:  # one shared analyser; its model takes seconds to load, so it is loaded once
        tokens = _kiwi().tokenize(text)
    lexemes = []
    for token in tokens:
        if token.tag in CONTENT_TAGS:
            lexemes.extend(w.lower() for w in _WORD.findall(token.form))
    return lexemes


def document_lexemes(fields: list[tuple[str, int]]) -> str:
    """Lexemes of a record's searchable fields; a field's weight repeats its lexemes (title counts most)."""
    out: list[str] = []
    for text, weight in fields:
        out.extend(analyse(text) * weight)
    return " ".join(out)


def index_row(pk: int, lexemes: str) -> None:
    """Keep the SQLite FTS5 table in step (PostgreSQL's index is an expression index on the column)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [pk])
        cursor.execute(f"INSERT INTO {FTS_TABLE}(rowid, lexemes) VALUES (%s, %s)", [pk, lexemes])


@dataclass(frozen=True)
class Match:
    """SQL for the matching ids and for each row's score, to put inside the catalogue's own query
    (no id lists travel between the database and Python)."""

    ids: RawSQL
    score: RawSQL


def match_sql(query: str) -> Match | None:
    """Records with every content morpheme of the query; when there are none, records with any of
    them. None when the query has no searchable content (then nothing is filtered)."""
    terms = list(dict.fromkeys(analyse(query)))
    if not terms:
        return None
    every = _sql(terms, every=True)
    if len(terms) > 1 and not UseCase.objects.filter(pk__in=every.ids).exists():
        return _sql(terms, every=False)
    return every


def _sql(terms: list[str], *, every: bool) -> Match:
    if connection.vendor == "postgresql":
        # Lexemes are \w+ words (analyse() guarantees it), so quoting them makes a safe tsquery.
        tsquery = (" & " if every else " | ").join("'" + t + "'" for t in terms)
        vector = "to_tsvector('simple', ax_catalog_usecase.search_lexemes)"
        return Match(
            ids=RawSQL(
                "SELECT id FROM ax_catalog_usecase WHERE to_tsvector('simple', search_lexemes) "
                "@@ to_tsquery('simple', %s)",
                [tsquery],
            ),
            score=RawSQL(f"ts_rank({vector}, to_tsquery('simple', %s))", [tsquery]),
        )
    match = (" AND " if every else " OR ").join('"' + t + '"' for t in terms)
    return Match(
        ids=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match]),
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
    rows = UseCase.objects.filter(pk__in=found.ids).annotate(score=found.score).values_list("pk", "score")
    return {pk: float(score) for pk, score in rows}
