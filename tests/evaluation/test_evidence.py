"""Benchmark import: validation names the row and column, any error stores nothing, reruns of the same
settings are kept as reruns and their spread is flagged beyond the tolerance, results without
reproducibility data are accepted and marked."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from core.audit import AuditLog
from evaluation import evidence, selectors
from evaluation.models import BenchmarkResult

pytestmark = pytest.mark.django_db


def row(entry, **changes):
    base = {
        "team": entry.team.name,
        "model": entry.endpoint.name,
        "category": "common",
        "benchmark": "KMMLU",
        "version": "2025",
        "score": "72.5",
        "target_score": "80",
        "stderr": "",
        "licence": "CC-BY-ND-4.0",
        "harness": "lm-eval",
        "harness_version": "0.4.9",
        "date": "2026-10-01",
        "source_url": "https://example.org/r",
    }
    return base | changes


def run(entry, seed, score, **changes):
    """A fully reproducible run (every reproducibility column filled)."""
    reproducible = {
        "score": str(score),
        "prompt_template": "ko-mcq-v2",
        "few_shot": "5",
        "decoding": "temperature=0; top_p=1; max_tokens=2048",
        "seed": str(seed),
        "run_url": f"https://example.org/runs/{seed}",
    }
    return row(entry, **(reproducible | changes))


def test_good_rows_import_with_provenance_and_an_audit_entry(contest):
    round_obj, (a, b, _) = contest
    result = evidence.benchmarks_import(
        round_obj=round_obj, rows=[row(a), row(b, category="nia", target_score="", benchmark="NIA-수학")]
    )
    assert (result.imported, result.errors) == (2, [])
    stored = BenchmarkResult.objects.get(entry=a)
    assert (stored.score, stored.target_score, stored.harness_version, stored.sub_item.key) == (
        72.5,
        80.0,
        "0.4.9",
        "common",
    )
    assert BenchmarkResult.objects.get(entry=b).target_score is None
    assert AuditLog.objects.filter(action="benchmarks_import", target="round:r1").exists()


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"team": "없는 팀"}, "team", "이 평가에 없는 팀"),
        ({"model": "다른-모델"}, "model", "평가 모델"),
        ({"category": "vibes"}, "category", "세부 항목"),
        ({"score": "101"}, "score", "0에서 100"),
        ({"score": "높음"}, "score", "0에서 100"),
        ({"score": "NaN"}, "score", "유한한 수"),
        ({"score": "inf"}, "score", "유한한 수"),
        ({"score": "-Infinity"}, "score", "유한한 수"),
        ({"stderr": "nan"}, "stderr", "유한한 수"),
        ({"target_score": "0"}, "target_score", "0보다 크고"),
        ({"date": "2026-13-01"}, "date", "YYYY-MM-DD"),
        ({"source_url": "ftp://x"}, "source_url", "http"),
        ({"licence": ""}, "licence", "비어 있으면"),
        ({"extra": "1"}, "extra", "알 수 없는 열"),
        ({"seed": "-1"}, "seed", "0 이상의 정수"),
        ({"seed": "1.5"}, "seed", "0 이상의 정수"),
        ({"harness_version": "latest"}, "harness_version", "버전 형식이 아닙니다"),
        ({"harness_version": "0.4.9 (patched)"}, "harness_version", "버전 형식이 아닙니다"),
        ({"harness": "", "harness_version": "0.4.9"}, "harness", "평가 도구 이름"),
        ({"few_shot": "-5"}, "few_shot", "0에서 1000"),
        ({"decoding": "temperature"}, "decoding", "이름=값"),
        ({"decoding": "temperature=nan"}, "decoding", "유한한 수가 아닙니다"),
        ({"decoding": "top_p=1; top_p=0.9"}, "decoding", "두 번"),
        ({"run_url": "javascript:alert(1)"}, "run_url", "http"),
    ],
)
def test_any_bad_row_stores_nothing_and_names_row_and_column(contest, changes, column, message):
    round_obj, (a, b, _) = contest
    result = evidence.benchmarks_import(round_obj=round_obj, rows=[row(a), row(b, **changes)])
    assert result.imported == 0 and BenchmarkResult.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert message in str(result.errors[0]) and str(result.errors[0]).startswith(f"2행 {column} 열")


@pytest.mark.parametrize("version", ["0.4.9", "v0.4.9", "1.0.0-rc.1", "2025.01", "3f2a9c1", "0.4.9+cu121"])
def test_harness_versions_that_are_versions_or_commits_are_accepted(contest, version):
    round_obj, (a, _, _) = contest
    assert (
        evidence.benchmarks_import(round_obj=round_obj, rows=[row(a, harness_version=version)]).errors == []
    )


def test_duplicates_without_reproducibility_data_in_the_file_and_in_the_database(contest):
    round_obj, (a, _, _) = contest
    errors = evidence.benchmarks_import(round_obj=round_obj, rows=[row(a), row(a)]).errors
    assert [(e.row, e.column) for e in errors] == [(2, "benchmark")]
    assert str(errors[0]).startswith("2행 benchmark 열: 1행과 같은 결과입니다 (같은 팀, 벤치마크, 버전).")
    evidence.benchmarks_import(round_obj=round_obj, rows=[row(a)])
    errors = evidence.benchmarks_import(round_obj=round_obj, rows=[row(a, score="10")]).errors
    assert (
        "이미 등록된 1회차 실행과 같은 결과" in str(errors[0]) and BenchmarkResult.objects.get().score == 72.5
    )


def test_reruns_with_the_same_settings_are_kept_as_runs_of_one_result(contest):
    round_obj, (a, _, _) = contest
    result = evidence.benchmarks_import(round_obj=round_obj, rows=[run(a, 1, 70.0), run(a, 2, 70.4)])
    assert (result.imported, result.reruns, result.without_reproducibility) == (2, 1, 0)
    # a later file adds a third run: numbered after the stored ones
    later = evidence.benchmarks_import(round_obj=round_obj, rows=[run(a, 3, 69.8)])
    assert (later.imported, later.reruns) == (1, 1)
    runs = list(BenchmarkResult.objects.order_by("run_number").values_list("run_number", "seed", "score"))
    assert runs == [(1, 1, 70.0), (2, 2, 70.4), (3, 3, 69.8)]
    decoding = set(BenchmarkResult.objects.values_list("decoding", flat=True))
    assert decoding == {"max_tokens=2048; temperature=0; top_p=1"}  # one spelling, names sorted


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"seed": "1", "run_url": "https://example.org/runs/other"}, "seed", "중복 재실행"),
        ({"seed": "9", "run_url": "https://example.org/runs/1"}, "run_url", "중복 재실행"),
        ({"seed": "9", "prompt_template": "ko-mcq-v3"}, "prompt_template", "설정이 다릅니다"),
        ({"seed": "9", "few_shot": "0"}, "few_shot", "설정이 다릅니다"),
        ({"seed": "9", "harness_version": "0.4.10"}, "harness_version", "설정이 다릅니다"),
        ({"seed": "9", "decoding": "temperature=0.7"}, "decoding", "설정이 다릅니다"),
        ({"seed": "9", "target_score": "90"}, "target_score", "목표 점수가 다릅니다"),
        ({"seed": "9", "category": "individual"}, "category", "세부 항목이 다릅니다"),
    ],
)
def test_a_duplicate_or_a_changed_setting_is_not_a_rerun(contest, changes, column, message):
    round_obj, (a, _, _) = contest
    evidence.benchmarks_import(round_obj=round_obj, rows=[run(a, 1, 70.0)])
    second = run(a, 9, 70.2) | changes
    for rows in ([second], [run(a, 2, 70.1), second]):  # against the stored run, and within one file
        result = evidence.benchmarks_import(round_obj=round_obj, rows=rows)
        assert result.imported == 0 and BenchmarkResult.objects.count() == 1
        assert [(e.column, message in e.message) for e in result.errors] == [(column, True)]


def test_decoding_spelling_does_not_make_a_different_setting(contest):
    round_obj, (a, _, _) = contest
    evidence.benchmarks_import(round_obj=round_obj, rows=[run(a, 1, 70.0)])
    same = run(a, 2, 70.1, decoding="TOP_P=1.0, max_tokens=2048, temperature=0.0")
    assert evidence.benchmarks_import(round_obj=round_obj, rows=[same]).reruns == 1


def test_spread_between_reruns_and_the_tolerance_flag(contest, settings):
    round_obj, (a, b, _) = contest
    rows = [run(a, 1, 70.0), run(a, 2, 70.3), run(a, 3, 70.4)]  # spread 0.4: within 0.5
    rows += [run(b, 1, 60.0, benchmark="HAE-RAE"), run(b, 2, 61.2, benchmark="HAE-RAE")]  # spread 1.2
    assert evidence.benchmarks_import(round_obj=round_obj, rows=rows).errors == []
    built = selectors.scorecard_build(round_obj, draws=0)
    runs_a = built.evidence[str(a.team_id)].benchmarks["common"][0]
    runs_b = built.evidence[str(b.team_id)].benchmarks["common"][0]
    assert (runs_a.combined.count, runs_a.combined.spread, runs_a.flagged) == (3, pytest.approx(0.4), False)
    assert (runs_b.combined.count, runs_b.combined.spread, runs_b.flagged) == (2, pytest.approx(1.2), True)
    assert runs_a.combined.score == pytest.approx((70.0 + 70.3 + 70.4) / 3)
    settings.BENCHMARK_RERUN_TOLERANCE = 0.3  # the tolerance is a setting
    again = selectors.scorecard_build(round_obj, draws=0)
    assert again.evidence[str(a.team_id)].benchmarks["common"][0].flagged is True


def test_results_without_reproducibility_data_are_accepted_and_marked(contest, client, people):
    round_obj, (a, b, _) = contest
    bare = row(a, harness="", harness_version="")
    result = evidence.benchmarks_import(round_obj=round_obj, rows=[bare, run(b, 1, 70.0)])
    assert (result.imported, result.without_reproducibility) == (2, 1)
    stored = BenchmarkResult.objects.get(entry=a)
    assert stored.missing_reproducibility == [
        "평가 도구",
        "평가 도구 버전",
        "프롬프트 템플릿",
        "퓨샷 예시 수",
        "디코딩 설정",
        "시드",
        "실행 기록",
    ]
    client.force_login(people["reviewer"])
    html = client.get("/staff/rounds/r1/").content.decode()
    section_a = html.split(f'data-testid="evidence-{a.team.name}"')[1].split("</section>")[0]
    section_b = html.split(f'data-testid="evidence-{b.team.name}"')[1].split("</section>")[0]
    assert "재현 정보 없음" in section_a and "재현 정보 없음" not in section_b
    assert "ko-mcq-v2" in section_b and "https://example.org/runs/1" in section_b


def test_csv_json_and_bad_files(contest, tmp_path):
    round_obj, (a, _, _) = contest
    path = tmp_path / "bench.json"
    path.write_text(json.dumps([row(a)], ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("import_benchmarks", "--round", "r1", str(path), stdout=out)
    assert "Imported 1" in out.getvalue() and "1 without reproducibility data" in out.getvalue()
    csv_text = (
        ",".join(evidence.COLUMNS)
        + "\n"
        + ",".join(row(a, benchmark="HAE-RAE").get(c, "") for c in evidence.COLUMNS)
    )
    assert len(evidence.parse(csv_text.encode(), "b.csv")) == 1
    with pytest.raises(ValidationError):
        evidence.parse(b"{not json", "b.json")
    with pytest.raises(ValidationError):
        evidence.parse(b"x", "b.xlsx")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([row(a, benchmark="X", score="-1")]), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_benchmarks", "--round", "r1", str(bad), stderr=err)
    assert "1행 score 열" in err.getvalue() and BenchmarkResult.objects.count() == 1
