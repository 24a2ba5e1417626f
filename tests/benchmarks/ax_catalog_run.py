"""Run by bench_ax_catalog in a process whose DATABASE_URL is the scratch PostgreSQL database."""

import random
import statistics
import time

import django

django.setup()

from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

from ax_catalog.loading import sample_load  # noqa: E402
from ax_catalog.models import UseCase  # noqa: E402
from ax_catalog.sample_data import CASES  # noqa: E402
from ax_catalog.selectors import FACETS, _filtered  # noqa: E402
from ax_catalog.transfer import import_rows  # noqa: E402

N = 10_000
QUERIES = [
    "챗봇",
    "민원 상담",
    "국세상담",
    "산불",
    "AI 행정",
    "정보공개청구",
    "설문 분석",
    "안전 관리",
    "음성인식",
    "디지털트윈",
]
FACET_SETS = [{}, {"stage": ["operation"]}, {"topic": ["civil_service"], "stage": ["pilot", "operation"]}]


def rows(n: int):
    rng = random.Random(0)
    out = []
    for i in range(n):
        a, b = rng.choice(CASES), rng.choice(CASES)
        out.append({
            "case_id": f"SYN-2025-{i:05d}", "title": f"[합성] {a['title']} · {b['title']}", "agency_code": a["agency"],
            "summary_one_line": f"[합성] {a['summary_one_line']}"[:100],
            "description_public": f"{a['description_public']} {b['description_public']}",
            "topic_area": a["topic_area"], "activity_type": b["activity_type"], "audience": a["audience"],
            "ai_class": b["ai_class"], "stage": rng.choice(["planning", "development", "pilot", "operation"]),
            "high_impact": "no", "source_type": "synthetic", "status": "published",
        })  # fmt: skip
    return out


def timed(fn, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def icontains(query: str, selected: dict):
    base = UseCase.objects.published()
    for word in query.split():
        base = base.filter(
            Q(title__icontains=word)
            | Q(summary_one_line__icontains=word)
            | Q(description_public__icontains=word)
        )
    cases = list(_filtered(base, selected).select_related("agency")[:20])
    counts = {k: list(_filtered(base, selected, skip=k).values(f).order_by().annotate(n=django.db.models.Count("pk")))
              for k, f in FACETS.items()}  # fmt: skip
    return cases, counts


def main() -> None:
    sample_load()
    data = rows(N)
    start = time.perf_counter()
    imported, errors = import_rows(data)
    elapsed = time.perf_counter() - start
    assert not errors, errors[:3]
    print(f"import: {imported:,} rows validated and imported in {elapsed:.1f} s (target < 30 s)")
    client = Client()
    ours, plain = [], []
    for query in QUERIES:
        for selected in FACET_SETS:
            params = {"q": query, **selected}
            client.get("/api/v1/ax/use-cases/", params)  # warm
            ours += timed(lambda p=params: client.get("/api/v1/ax/use-cases/", p))
            plain += timed(lambda q=query, s=selected: icontains(q, s))
    p = lambda xs, q: sorted(xs)[int(q * (len(xs) - 1))]  # noqa: E731
    print(
        f"API search + facets ({len(ours)} requests over {UseCase.objects.published().count():,} published cases): "
        f"p50 {statistics.median(ours):.1f} ms, p95 {p(ours, 0.95):.1f} ms (target p95 < 50 ms)"
    )
    print(
        f"plain icontains + the same facet counts (ORM only, no HTTP): p50 {statistics.median(plain):.1f} ms, "
        f"p95 {p(plain, 0.95):.1f} ms; ratio of p95 icontains / ours {p(plain, 0.95) / p(ours, 0.95):.2f}"
    )


if __name__ == "__main__":
    main()
