"""Bilingual full-text search for use cases: one analysis, one index per database.

How text becomes lexemes (`analyse`):
1. kiwipiepy cuts the text into morphemes (its model ships with the package).
2. Korean: content morphemes only (nouns, roots, verb and adjective stems, numbers), minus the
   function-like stems listed in data/search_words.toml (하다, 되다, 있다, 위하다, ...). "민원상담", "민원을" and "민원" all
   yield 민원. A noun the analyser does not know ("챗서비스") also yields the known noun inside it and
   the rest ("챗", "서비스"), so spacing variants find each other.
3. English and other Latin-script words: lowercased, English stop words (the same file) dropped, the
   rest Snowball-stemmed (PyStemmer), so "inspections" and "inspection" meet.

How a query matches (`match_sql`): each query word is a group of alternatives (the word; for an unknown
compound, all its parts together; and its synonyms from data/search_words.toml). Records matching
every group are the result, ranked by ts_rank (PostgreSQL) or bm25 (SQLite). When fewer than
RELAX_BELOW records match every group, records with any group are returned too, ranked by how many
groups they match, then by rank, so the records with every group still come first. Function words
never reach a query, so they never match alone.

The space-separated lexemes are stored on the use case; PostgreSQL keeps to_tsvector('simple', ...) in a
generated column with a GIN index, SQLite keeps them in an FTS5 table. `match_sql` is the one place
that decides.

The analyser takes seconds to load, so every process that serves searches loads it when it starts
(`warm_up`: the ASGI application and each Celery worker process), never on a first request.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL

from ax_catalog.models import UseCase

log = logging.getLogger(__name__)
KOREAN_CONTENT = {"NNG", "NNP", "NR", "XR", "SN", "SH", "VV", "VA"}
LATIN = "SL"
FTS_TABLE = "ax_usecase_fts"
RELAX_BELOW = 5  # fewer records with every query word than this: show those with some words after them
WORDS_FILE = Path(__file__).resolve().parent / "data" / "search_words.toml"
_lock = threading.RLock()
_WORD = re.compile(r"\w+")
_HANGUL = re.compile(r"^[가-힣]+$")
_KOREAN = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3\u3400-\u4dbf\u4e00-\u9fff]")


@functools.lru_cache(maxsize=1)
def _kiwi():
    from kiwipiepy import Kiwi

    # Two or more workers let a batch (an import) be analysed on every core; single texts are unaffected.
    return Kiwi(num_workers=max(2, min(os.cpu_count() or 1, 4)))


@functools.lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


# A forked child cannot use the parent's analyser threads: it loads its own.
os.register_at_fork(after_in_child=_kiwi.cache_clear)


def warm_up() -> float:
    """Load the analyser and stemmer now (seconds it took). Called where a process starts serving."""
    start = time.perf_counter()
    analyse("민원 상담 챗봇 inspections")
    elapsed = time.perf_counter() - start
    log.info("AX search analyser loaded in %.1f s", elapsed)
    return elapsed


def warm_up_at_start() -> None:
    """Where a serving process starts (ASGI application import, Celery worker process): load the
    analyser before the first request instead of during it, unless AX_SEARCH_WARM_UP is off. Loading
    holds the interpreter for seconds, so it happens before the process serves anything (a thread
    would stall the event loop of live battle streams as much)."""
    from django.conf import settings

    if settings.AX_SEARCH_WARM_UP:
        warm_up()


def is_warm() -> bool:
    return _kiwi.cache_info().currsize > 0


@functools.lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word) if word.isalpha() else word


def _latin(form: str) -> list[str]:
    english_stop = _stop()[1]
    return [_stem(w) for w in _WORD.findall(form.lower()) if w not in english_stop]


@functools.lru_cache(maxsize=20_000)
def _known_noun(text: str) -> bool:
    tokens = _kiwi().tokenize(text)
    return (
        len(tokens) == 1 and tokens[0].form == text and tokens[0].tag in ("NNG", "NNP") and not tokens[0].oov
    )


@functools.lru_cache(maxsize=20_000)
def _parts(word: str) -> tuple[str, ...]:
    """An unknown Hangul compound split at its longest known noun: 챗서비스 -> (챗, 서비스)."""
    if len(word) < 3 or not _HANGUL.match(word):
        return ()
    for i in range(1, len(word) - 1):  # the longest known suffix of two or more syllables
        if _known_noun(word[i:]):
            return (word[:i], word[i:])
    for j in range(len(word) - 1, 1, -1):  # else the longest known prefix
        if _known_noun(word[:j]):
            return (word[:j], word[j:])
    return ()


def _units(tokens) -> list[tuple[str, tuple[str, ...]]]:
    """(lexeme, parts) for each content token, in order."""
    korean_stop = _stop()[0]
    units = []
    for token in tokens:
        if token.tag == LATIN:
            units.extend((w, ()) for w in _latin(token.form))
        elif token.tag in KOREAN_CONTENT:
            for word in _WORD.findall(token.form.lower()):
                if word in korean_stop:
                    continue
                parts = _parts(word) if token.oov and token.tag in ("NNG", "NNP") else ()
                units.append((word, parts))
    return units


def _tokenize_many(texts: list[str]) -> list[list[tuple[str, tuple[str, ...]]]]:
    """Units of each text. Text without Hangul or Hanja (English records) needs no morphological
    analysis: its words are what the analyser would tag as Latin-script words and numbers, so they take
    the English path directly; each distinct text is analysed once."""
    out: list[list[tuple[str, tuple[str, ...]]]] = [[] for _ in texts]
    distinct: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        if text and text.strip():
            distinct.setdefault(text, []).append(i)
    korean = []
    for text, places in distinct.items():
        if not _KOREAN.search(text):
            units = [(w, ()) for w in _latin(text)]
            for i in places:
                out[i] = units
        else:
            korean.append(text)
    if not korean:
        return out
    with _lock:  # one shared analyser; its model takes seconds to load, so it is loaded once
        # A batch is analysed in parallel by the analyser's worker threads; one text needs no batch.
        results = [_kiwi().tokenize(korean[0])] if len(korean) == 1 else list(_kiwi().tokenize(korean))
        for text, tokens in zip(korean, results, strict=True):
            units = _units(tokens)
            for i in distinct[text]:
                out[i] = units
    return out


def analyse(text: str) -> list[str]:
    """Lexemes of `text` in order (repeats kept: they weigh in ranking), compound parts after the compound."""
    return analyse_many([text])[0]


def analyse_many(texts: list[str]) -> list[list[str]]:
    """analyse() of each text; a batch is analysed in parallel by the analyser's worker threads."""
    return [[lex for word, parts in units for lex in (word, *parts)] for units in _tokenize_many(texts)]


def document_lexemes(fields: list[tuple[str, int]]) -> str:
    """Lexemes of a record's searchable fields; a field's weight repeats its lexemes (title counts most)."""
    return documents_lexemes([fields])[0]


def documents_lexemes(documents: list[list[tuple[str, int]]]) -> list[str]:
    """document_lexemes() of many records with one batch through the analyser."""
    analysed = iter(analyse_many([text for fields in documents for text, _ in fields]))
    return [" ".join(lex for _, weight in fields for lex in next(analysed) * weight) for fields in documents]


@functools.lru_cache(maxsize=1)
def _words() -> dict:
    return tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _stop() -> tuple[frozenset[str], frozenset[str]]:
    """(Korean, English) stop words."""
    return frozenset(_words()["stop"]["korean"]), frozenset(_words()["stop"]["english"])


@functools.lru_cache(maxsize=1)
def _synonyms() -> dict[str, frozenset[str]]:
    groups = _words()["synonyms"]["groups"]
    out: dict[str, set[str]] = {}
    for group in groups:
        words = {lex for word in group for lex in (analyse(word) or [word.lower()])}
        for word in words:
            out.setdefault(word, set()).update(words)
    return {word: frozenset(group) for word, group in out.items()}


# A query: every Group must match; a Group matches when one of its alternatives does; an alternative
# is a tuple of slots that must all match; a slot matches when any of its words does.
Slot = frozenset[str]
Alternative = tuple[Slot, ...]
Group = tuple[Alternative, ...]


def query_groups(query: str) -> list[Group]:
    """The query's groups, in order, without repeats."""
    synonyms = _synonyms()

    def slot(word: str) -> Slot:
        return synonyms.get(word, frozenset([word]))

    groups: list[Group] = []
    for word, parts in _tokenize_many([query])[0] if query.strip() else []:
        group: Group = ((slot(word),),) + (((tuple(slot(p) for p in parts)),) if parts else ())
        if group not in groups:
            groups.append(group)
    return groups


def index_rows(rows: list[tuple[int, str]]) -> None:
    """Keep the SQLite FTS5 table in step with (pk, lexemes) rows (PostgreSQL's index is a generated
    column, kept by the database)."""
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
    (no id lists travel between the database and Python): `queryset.filter(match.where)`. The score's
    whole part is how many query groups the row matches; its fraction is the text rank."""

    where: RawSQL
    score: RawSQL
    every: bool  # False: no record had every group, these are records with any of them


NOTHING = Match(where=RawSQL("1 = 0", [], BooleanField()), score=RawSQL("0", [], FloatField()), every=True)


def match_sql(query: str, within=None) -> Match | None:
    """Records with every group of the query; when fewer than RELAX_BELOW of `within` (default: the
    published records) have them, records with any group, ranked by how many they match. None when the
    query is blank (nothing is filtered); NOTHING when it has words but no searchable ones (only
    function words)."""
    if not query.strip():
        return None
    groups = query_groups(query)
    if not groups:
        return NOTHING
    every, relaxed = match_plan(query, groups)
    scope = UseCase.objects.published() if within is None else within
    if relaxed is not None and scope.filter(every.where).order_by()[:RELAX_BELOW].count() < RELAX_BELOW:
        return relaxed
    return every


def match_plan(query: str, groups: list[Group] | None = None) -> tuple[Match, Match | None]:
    """(every group, any group or None for a one-group query), for a caller that runs the first and
    falls back to the second itself when it finds fewer than RELAX_BELOW records (one query instead
    of a count and a query)."""
    groups = query_groups(query) if groups is None else groups
    every = _sql(groups, every=True)
    return every, (_sql(groups, every=False) if len(groups) > 1 else None)


def _lexeme(word: str, vendor: str) -> str:
    # Lexemes are \w+ words (analyse() guarantees it), so quoting them makes a safe query.
    return f"'{word}'" if vendor == "postgresql" else f'"{word}"'


def _expression(groups: list[Group], vendor: str, *, every: bool) -> str:
    and_, or_ = (" & ", " | ") if vendor == "postgresql" else (" AND ", " OR ")

    def slot(words: Slot) -> str:
        inner = or_.join(_lexeme(w, vendor) for w in sorted(words))
        return f"({inner})" if len(words) > 1 else inner

    def group(g: Group) -> str:
        return "(" + or_.join("(" + and_.join(slot(s) for s in alt) + ")" for alt in g) + ")"

    return (and_ if every else or_).join(group(g) for g in groups)


def _sql(groups: list[Group], *, every: bool) -> Match:
    vendor = connection.vendor
    whole = _expression(groups, vendor, every=every)
    singles = [_expression([g], vendor, every=True) for g in groups]
    if vendor == "postgresql":
        # search_vector is a stored generated column (migration 0005) with a GIN index; a condition on
        # the row itself (not `id IN (SELECT ...)`) lets the planner use it. ts_rank normalisation 32
        # maps the rank into [0, 1), below one matched group. When every group matched, the count is
        # the same for every row and is not computed (each term reads the row's vector again).
        vector = "ax_catalog_usecase.search_vector"
        rank = f"ts_rank({vector}, to_tsquery('simple', %s), 32)"
        if every:
            score = RawSQL(f"{len(groups)} + {rank}", [whole], FloatField())
        else:
            matched = " + ".join(f"({vector} @@ to_tsquery('simple', %s))::int" for _ in singles)
            score = RawSQL(f"({matched}) + {rank}", [*singles, whole], FloatField())
        return Match(
            where=RawSQL(f"{vector} @@ to_tsquery('simple', %s)", [whole], BooleanField()),
            score=score,
            every=every,
        )
    in_fts = f"ax_catalog_usecase.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
    matched = " + ".join(f"({in_fts})" for _ in singles)
    bm25 = (
        f"(SELECT -bm25({FTS_TABLE}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
        f"AND {FTS_TABLE}.rowid = ax_catalog_usecase.id)"
    )
    return Match(
        where=RawSQL(in_fts, [whole], BooleanField()),
        score=RawSQL(
            f"({matched}) + COALESCE({bm25} / (1 + {bm25}), 0)", [*singles, whole, whole], FloatField()
        ),
        every=every,
    )


def ranked_ids(query: str, within=None) -> dict[int, float] | None:
    """The matching ids with their scores (for tests and tools; pages use match_sql)."""
    found = match_sql(query, within)
    if found is None:
        return None
    scope = UseCase.objects.published() if within is None else within
    rows = scope.filter(found.where).annotate(score=found.score).values_list("pk", "score")
    return {pk: float(score) for pk, score in rows}
