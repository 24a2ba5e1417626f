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

from django.db import connection

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


def ranked_ids(query: str) -> dict[int, float] | None:
    """Ids of records matching the query's content morphemes, with a score (higher is better): records
    with every morpheme; when there are none, records with any of them. None when the query has no
    searchable content (then nothing is filtered)."""
    terms = list(dict.fromkeys(analyse(query)))
    if not terms:
        return None
    found = _match(terms, every=True)
    return found if found or len(terms) == 1 else _match(terms, every=False)


def _match(terms: list[str], *, every: bool) -> dict[int, float]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Lexemes are \w+ words (analyse() guarantees it), so quoting them makes a safe tsquery.
            tsquery = (" & " if every else " | ").join("'" + t + "'" for t in terms)
            cursor.execute(
                "SELECT id, ts_rank(to_tsvector('simple', search_lexemes), q) FROM ax_catalog_usecase, "
                "to_tsquery('simple', %s) q WHERE to_tsvector('simple', search_lexemes) @@ q",
                [tsquery],
            )
        else:
            match = (" AND " if every else " OR ").join('"' + t + '"' for t in terms)
            cursor.execute(
                f"SELECT rowid, -bm25({FTS_TABLE}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match]
            )
        return {pk: float(rank) for pk, rank in cursor.fetchall()}
