"""Run by bench_ax_catalog in a process whose DATABASE_URL is the scratch PostgreSQL database."""

import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402

from ax_catalog import mapping, search, transfer  # noqa: E402
from ax_catalog.loading import sample_load  # noqa: E402
from ax_catalog.models import PRACTICES, Agency, UseCase  # noqa: E402
from ax_catalog.sample_data import CASES  # noqa: E402
from ax_catalog.selectors import FACETS, _filtered  # noqa: E402
from core import roles  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FEDERAL = ROOT / "ax_catalog" / "data" / "us-federal-2025-sample.csv"
N = int(os.environ.get("BENCH_AX_RECORDS", "100000"))
IMPORT_ROWS = 10_000
QUERIES = [
    "챗봇",
    "민원 상담",
    "국세상담",
    "산불",
    "AI 행정",
    "정보공개청구",
    "설문 분석",
    "음성인식",
    "document translation",
    "summarization of meetings",
    "benefits for veterans",
    "fire detection",
]
FACET_SETS = [
    {},
    {"stage": ["operation"]},
    {"topic": ["civil_service"], "stage": ["pilot", "operation"]},
    {"risk": ["high_impact"], "missing": ["independent_review"]},
]
TIERS = ["high_impact", "not_applicable", "under_review", "not_reported"]
PRACTICE_VALUES = ["yes", "in_progress", "no", "not_reported"]


def federal_rows() -> tuple[list[str], list[dict]]:
    with FEDERAL.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def _vocabulary(rng: random.Random, size: int, korean: bool) -> list[str]:
    """Made-up words: two or three Hangul syllables, or six to nine Latin letters."""
    words: set[str] = set()
    while len(words) < size:
        if korean:
            words.add("".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.choice((2, 3)))))
        else:
            words.add("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(6, 10))))
    return sorted(words)


def catalogue(n: int) -> None:
    """n synthetic published records over 60 agencies, Korean and English, every risk tier and practice
    value. A quarter carry the texts of the sample cases and real federal records, recombined; the rest
    carry words drawn (Zipf) from a made-up vocabulary of 20,000 words, so that a query's words match a
    few per cent of the catalogue, as in a register of every function of government, not a quarter of
    it. Loaded in bulk with one analysis per distinct text (the measured import below uses the import
    path itself)."""
    rng = random.Random(0)
    kind = "public_institution"
    agencies = [
        Agency.objects.get_or_create(
            code=f"SYN{i:02d}", defaults={"name": f"합성 기관 {i:02d}", "agency_type": kind}
        )[0]
        for i in range(60)
    ]
    _, federal = federal_rows()
    english = [r for r in federal if r["problem_solved"].strip()]
    filler = {True: _vocabulary(rng, 10_000, True), False: _vocabulary(rng, 10_000, False)}
    weights = [1 / (rank + 1) for rank in range(10_000)]
    analysed: dict[str, list[str]] = {}

    def lexemes(text: str) -> list[str]:
        if text not in analysed:
            analysed[text] = search.analyse(text)
        return analysed[text]

    def words(korean: bool, k: int) -> str:
        return " ".join(rng.choices(filler[korean], weights=weights, k=k))

    batch: list[UseCase] = []
    for i in range(n):
        korean = i % 3 != 2
        if i % 4 == 0 and korean:
            a, b = rng.choice(CASES), rng.choice(CASES)
            title, summary = f"[합성] {a['title']} · {b['title']}", a["summary_one_line"]
            description, problem = a["description_public"], b["description_public"]
        elif i % 4 == 0:
            a, b = rng.choice(english), rng.choice(english)
            title, summary = f"[synthetic] {a['use_case_name']}", a["problem_solved"][:300]
            description, problem = b["benefits"], b["system_outputs"]
        else:
            mark = "[합성]" if korean else "[synthetic]"
            title, summary = f"{mark} {words(korean, 4)}", words(korean, 12)
            description, problem = words(korean, 30), words(korean, 20)
        tier = rng.choice(TIERS)
        practices = {
            p: rng.choice(PRACTICE_VALUES) if tier == "high_impact" else "not_reported" for p in PRACTICES
        }
        case = UseCase(
            case_id=f"SYN-2025-{i:06d}",
            agency=rng.choice(agencies),
            agency_ref=f"SYN-{i}",
            title=title[:300],
            summary_one_line=summary,
            description_public=description,
            problem=problem,
            topic_area=rng.choice(["civil_service", "general_admin", "health", "law_enforcement", "science"]),
            stage=rng.choice(["planning", "development", "pilot", "operation", "not_reported"]),
            ai_class=rng.choice(["generative", "nlp", "vision", "predictive_ml", "not_reported"]),
            risk_tier=tier,
            source_type="synthetic",
            status="published",
            **practices,
        )
        if i % 4 == 0:
            weighted = [(case.title, 3), (summary, 2), (f"{description}\n{problem}\n{case.agency.name}", 1)]
            case.search_lexemes = " ".join(lex for text, w in weighted for lex in lexemes(text) * w)
        else:  # made-up words are their own lexemes
            case.search_lexemes = " ".join(
                [title.split(" ", 1)[1]] * 3 + [summary] * 2 + [description, problem]
            )
        batch.append(case)
        if len(batch) == 5000:
            UseCase.objects.bulk_create(batch, batch_size=5000)
            batch = []
    UseCase.objects.bulk_create(batch, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ax_catalog_usecase")


def import_file(path: Path) -> None:
    header, rows = federal_rows()
    rng = random.Random(1)
    agencies = sorted({(r["agency"], r["agency_name"]) for r in rows})
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for i in range(IMPORT_ROWS):
            row = dict(rng.choice(rows))
            row["agency"], row["agency_name"] = agencies[i % len(agencies)]
            row["id"] = "" if i % 7 == 0 else f"{row['agency']}-B{i}"
            row["use_case_name"] = f"{row['use_case_name']} #{i}"
            writer.writerow(row)


def timed(fn, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def icontains(query: str, selected: dict):
    base = UseCase.objects.published()
    for key in selected.get("missing", []):
        base = base.high_impact_missing(f"practice_{key}")
    for word in query.split():
        base = base.filter(
            Q(title__icontains=word)
            | Q(summary_one_line__icontains=word)
            | Q(description_public__icontains=word)
        )
    facets = {k: v for k, v in selected.items() if k in FACETS}
    cases = list(_filtered(base, facets).select_related("agency")[:20])
    counts = {
        k: list(_filtered(base, facets, skip=k).values(f).order_by().annotate(n=Count("pk")))
        for k, f in FACETS.items()
    }
    return cases, counts


def first_search(warm: bool) -> tuple[float, float]:
    """(seconds the process spent starting, milliseconds of its first search) in a fresh process."""
    code = (
        "import time; t=time.perf_counter(); import portal.asgi; from ax_catalog import search; "
        "s=time.perf_counter(); search.analyse('민원 상담 챗봇'); e=time.perf_counter(); "
        "print(s - t, (e - s) * 1000)"
    )
    env = {**os.environ, "AX_SEARCH_WARM_UP": "1" if warm else "0"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    start, first = out.stdout.split()
    return float(start), float(first)


def p(samples, q):
    return sorted(samples)[int(q * (len(samples) - 1))]


def main() -> None:
    sample_load()
    start = time.perf_counter()
    catalogue(N)
    print(
        f"catalogue: {UseCase.objects.published().count():,} published records loaded in {time.perf_counter() - start:.0f} s (setup, not a target)"
    )

    admin = get_user_model().objects.create_user("bench-admin")
    admin.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "federal-shaped.csv"
        import_file(path)
        start = time.perf_counter()
        report = transfer.import_file(path, mapping.load("us-federal-2025"), publish=True, actor=admin)
        elapsed = time.perf_counter() - start
    assert report.ok, [str(e) for e in report.errors[:3]]
    print(
        f"import: {report.rows:,} rows read, mapped (us-federal-2025), validated and written in {elapsed:.1f} s "
        f"({report.created:,} new records, {report.agencies_created} agencies; target <= 15 s)"
    )

    client = Client()
    ours, plain = [], []
    for query in QUERIES:
        for selected in FACET_SETS:
            params = {"q": query, **selected}
            client.get("/api/v1/ax/use-cases/", params)  # warm
            ours += timed(lambda p=params: client.get("/api/v1/ax/use-cases/", p))
            plain += timed(lambda q=query, s=selected: icontains(q, s))
    total = UseCase.objects.published().count()
    print(
        f"API search + facets ({len(ours)} requests, {len(QUERIES)} Korean and English queries x {len(FACET_SETS)} "
        f"filter sets, over {total:,} published records): p50 {statistics.median(ours):.1f} ms, "
        f"p95 {p(ours, 0.95):.1f} ms (target p95 <= 50 ms)"
    )
    print(
        f"plain icontains + the same facet counts (ORM only, no HTTP): p50 {statistics.median(plain):.1f} ms, "
        f"p95 {p(plain, 0.95):.1f} ms; ratio of p95 icontains / ours {p(plain, 0.95) / p(ours, 0.95):.2f}"
    )
    warm_start, warm_first = first_search(warm=True)
    cold_start, cold_first = first_search(warm=False)
    print(
        f"first search after a restart: {warm_first:.1f} ms with the start-up warm-up (the process took "
        f"{warm_start:.1f} s to start, before serving anything); {cold_first / 1000:.1f} s without it "
        f"(the analyser loads inside the first search; start {cold_start:.1f} s)"
    )


if __name__ == "__main__":
    main()
