"""Benchmark import: validation names the row and column, and any error stores nothing."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from core.audit import AuditLog
from evaluation import evidence
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


def test_good_rows_import_with_provenance_and_an_audit_entry(contest):
    round_obj, (a, b, _) = contest
    imported, errors = evidence.benchmarks_import(
        round_obj=round_obj, rows=[row(a), row(b, category="nia", target_score="", benchmark="NIA-수학")]
    )
    assert (imported, errors) == (2, [])
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
        ({"target_score": "0"}, "target_score", "0보다 크고"),
        ({"date": "2026-13-01"}, "date", "YYYY-MM-DD"),
        ({"source_url": "ftp://x"}, "source_url", "http"),
        ({"licence": ""}, "licence", "비어 있으면"),
        ({"extra": "1"}, "extra", "알 수 없는 열"),
    ],
)
def test_any_bad_row_stores_nothing_and_names_row_and_column(contest, changes, column, message):
    round_obj, (a, b, _) = contest
    imported, errors = evidence.benchmarks_import(round_obj=round_obj, rows=[row(a), row(b, **changes)])
    assert imported == 0 and BenchmarkResult.objects.count() == 0
    assert [(e.row, e.column) for e in errors] == [(2, column)]
    assert message in str(errors[0]) and str(errors[0]).startswith(f"2행 {column} 열")


def test_duplicates_in_the_file_and_in_the_database(contest):
    round_obj, (a, _, _) = contest
    _, errors = evidence.benchmarks_import(round_obj=round_obj, rows=[row(a), row(a)])
    assert [str(e) for e in errors] == ["2행 benchmark 열: 1행과 같은 결과입니다 (같은 팀, 벤치마크, 버전)."]
    evidence.benchmarks_import(round_obj=round_obj, rows=[row(a)])
    _, errors = evidence.benchmarks_import(round_obj=round_obj, rows=[row(a, score="10")])
    assert "이미 등록된 결과" in str(errors[0]) and BenchmarkResult.objects.get().score == 72.5


def test_csv_json_and_bad_files(contest, tmp_path):
    round_obj, (a, _, _) = contest
    path = tmp_path / "bench.json"
    path.write_text(json.dumps([row(a)], ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("import_benchmarks", "--round", "r1", str(path), stdout=out)
    assert "Imported 1" in out.getvalue()
    csv_text = (
        ",".join(evidence.COLUMNS) + "\n" + ",".join(row(a, benchmark="HAE-RAE")[c] for c in evidence.COLUMNS)
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
