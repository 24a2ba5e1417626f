"""Search over the sample cases (Korean) and the 25 real US federal records (English): particles,
compounds and spacing variants find the same cases; English is stemmed; function words never match.
Runs on SQLite (FTS5) and, with DATABASE_URL, on PostgreSQL (GIN over to_tsvector)."""

import pytest
from django.db import IntegrityError, connection
from django.db.models import Count

from ax_catalog import search
from ax_catalog.models import UseCase
from ax_catalog.selectors import FACETS, _filtered, facet_counts, usecase_search
from tests.ax_catalog.judgments import ENGLISH, KOREAN, precision_at_5

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "lexemes"),
    [
        ("민원상담", ["민원", "상담"]),
        ("민원을", ["민원"]),
        ("상담 챗봇", ["상담", "챗봇"]),
        ("AI 음성인식 국세상담", ["ai", "음성", "인식", "국세", "상담"]),
        # function-like stems carry no topic: 하다, 위하다, 있다 are dropped
        ("민원을 처리하기 위하여 있는", ["민원", "처리"]),
        # a compound the analyser does not know also yields the known noun inside it, and the rest
        ("AI 챗서비스", ["ai", "챗서비스", "챗", "서비스"]),
        # English: lowercased, function words dropped, Snowball-stemmed
        ("Inspections for the Veterans", ["inspect", "veteran"]),
        ("transcribing meetings", ["transcrib", "meet"]),
    ],
)
def test_analysis_keeps_content_morphemes(text, lexemes):
    assert search.analyse(text) == lexemes


# (query, case ids that must be found, a case id that should rank first or None)
RELEVANCE = [
    ("챗봇", {"SEOUL-2025-001", "KAMCO-2025-001"}, None),
    # no case has both: every case with either comes back
    ("상담 챗봇", {"SEOUL-2025-001", "KAMCO-2025-001", "MFDS-2025-001", "NTS-2025-001"}, None),
    ("민원상담", {"MOIS-2025-001"}, "MOIS-2025-001"),
    ("민원을", {"MOIS-2025-001", "SEOUL-2025-001"}, None),
    ("국세상담", {"NTS-2025-001"}, "NTS-2025-001"),
    ("국세 상담", {"NTS-2025-001"}, "NTS-2025-001"),
    ("국세청의 상담을", {"NTS-2025-001"}, "NTS-2025-001"),
    ("산불을", {"KEPCO-2025-001"}, "KEPCO-2025-001"),
    ("설문 응답을 분석", {"GUNWI-2025-001"}, "GUNWI-2025-001"),
    ("정보공개청구", {"MOIS-2025-003"}, "MOIS-2025-003"),
    ("정보 공개 청구", {"MOIS-2025-003"}, "MOIS-2025-003"),
    ("디지털트윈", {"KWATER-2025-001"}, "KWATER-2025-001"),
    ("112 신고", {"KNPA-2025-001"}, "KNPA-2025-001"),
]


@pytest.mark.parametrize(("query", "expected", "first"), RELEVANCE)
def test_korean_queries_find_what_they_should(catalogue, query, expected, first):
    found = [c.case_id for c in usecase_search(query=query).cases]
    assert expected <= set(found), (query, found)
    if first:
        assert found[0] == first


def test_chatbot_and_chat_service_compounds_find_each_other(catalogue):
    chatbot = [c.case_id for c in usecase_search(query="챗봇").cases]
    assert {"SEOUL-2025-001", "KAMCO-2025-001", "MOIS-2025-001"} <= set(chatbot)  # 챗서비스 is found
    service = [c.case_id for c in usecase_search(query="챗서비스").cases]
    assert service[0] == "MOIS-2025-001" and "SEOUL-2025-001" in service  # a 챗봇 with a 서비스
    spaced = [c.case_id for c in usecase_search(query="챗 서비스").cases]
    assert spaced[0] == "MOIS-2025-001"


def test_cases_with_every_term_come_before_any_partial_match(catalogue):
    assert usecase_search(query="산불 감지").cases.first().case_id == "KEPCO-2025-001"
    assert usecase_search(query="산불 드론").cases.first().case_id == "KEPCO-2025-001"
    scores = search.ranked_ids("산불 송전탑 민원")  # no case has all three
    kepco = UseCase.objects.get(case_id="KEPCO-2025-001").pk
    assert scores[kepco] == max(scores.values()) and int(scores[kepco]) == 2  # two of three words


def test_function_words_never_match_alone(catalogue, federal):
    for query in ("the for", "of and with", "을 를 의"):
        assert not usecase_search(query=query).cases.exists(), query
    # the any-term fallback of "for the veterans" ranks by content words: only "veterans" counts
    found = [c.title for c in usecase_search(query="benefits for the veterans").cases]
    assert found[0] == "Veterans Life Tailored"


def _titles_or_ids(query: str, key: str) -> list[str]:
    return [getattr(c, key) for c in usecase_search(query=query).cases[:5]]


def test_english_judged_queries_over_real_records(federal):
    """P@5 on the judged English queries over the 25 real records: at least 0.70 (the issue's goal), and
    each query's expectation fixed so a regression shows which query it broke."""
    scores = {query: precision_at_5(_titles_or_ids(query, "title"), relevant) for query, relevant in ENGLISH}
    assert sum(scores.values()) / len(scores) >= 0.70, scores
    assert all(score >= 0.5 for score in scores.values()), scores


def test_korean_judged_queries_no_worse_than_before(catalogue):
    """Korean P@5 on the judged queries: 0.86 with the analyser before stemming, stop words, compounds and
    ranked fallback (measured on the same judgments); it must not fall below that."""
    scores = {query: precision_at_5(_titles_or_ids(query, "case_id"), relevant) for query, relevant in KOREAN}
    assert sum(scores.values()) / len(scores) >= 0.86, scores


def test_only_published_cases_are_found(catalogue):
    UseCase.objects.filter(case_id="NTS-2025-001").update(status="draft")
    assert "NTS-2025-001" not in [c.case_id for c in usecase_search(query="국세").cases]


def test_facet_counts_apply_the_other_selections(catalogue):
    results = usecase_search(selected={"stage": ["operation"]})
    assert all(c.stage == "operation" for c in results.cases)
    stages = {f["value"]: f["count"] for f in results.facets["stage"]}
    assert stages["pilot"] == 3  # the stage facet ignores its own selection
    topics = {f["value"]: f["count"] for f in results.facets["topic"]}
    assert sum(topics.values()) == results.cases.count()


def test_vocabularies_hold_even_below_the_orm_validation(catalogue):
    with pytest.raises(IntegrityError):
        UseCase.objects.filter(case_id="NTS-2025-001").update(stage="someday")


def test_search_runs_on_this_database_engine(catalogue):
    assert connection.vendor in ("sqlite", "postgresql")
    assert search.ranked_ids("국세") is not None


@pytest.mark.parametrize(
    "selected",
    [
        {},
        {"stage": ["operation"]},
        {"stage": ["operation", "pilot"], "topic": ["civil_service"]},
        {"ai": ["generative"], "risk": ["not_reported"], "agency": ["국세청"]},
    ],
)
@pytest.mark.parametrize("query", ["", "상담", "민원 챗봇"])
def test_one_scan_facet_counts_equal_a_query_per_facet(catalogue, query, selected):
    """The counts from one GROUP BY over every facet equal what a separate query per facet gives."""
    results = usecase_search(query=query, selected=selected)
    base = UseCase.objects.published()
    found = search.match_sql(query)
    if found is not None:
        base = base.filter(found.where)
    for key, field in FACETS.items():
        expected = {
            row[field]: row["n"]
            for row in _filtered(base, selected, skip=key).values(field).annotate(n=Count("pk")).order_by()
            if row[field] is not None
        }
        assert {f["value"]: f["count"] for f in results.facets[key]} == expected, key
    assert results.total == results.cases.count()


def test_facet_counts_table():
    # combos over (agency, topic, stage, ai, model, risk)
    combos = [
        (("A", "t1", "pilot", "nlp", None, "no"), 2),
        (("A", "t2", "operation", "nlp", "M", "no"), 3),
        (("B", "t1", "operation", "vision", None, "yes"), 5),
    ]
    counts, total = facet_counts(combos, {"stage": ["operation"], "agency": ["A"]})
    assert total == 3
    assert counts["stage"] == {"pilot": 2, "operation": 3}  # its own selection ignored
    assert counts["agency"] == {"A": 3, "B": 5}
    assert counts["topic"] == {"t2": 3} and counts["model"] == {"M": 3}
    everything, total = facet_counts(combos, {})
    assert (
        total == 10 and everything["agency"] == {"A": 5, "B": 5} and everything["model"] == {None: 7, "M": 3}
    )
