"""Imports through the portal's own template and file handling (encodings, XLSX, limits, formulas),
and exports (CSV through core/spreadsheet.py, JSON)."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from ax_catalog import search, services
from ax_catalog.models import UseCase, UseCaseVersion
from ax_catalog.transfer import COLUMNS

pytestmark = pytest.mark.django_db


def test_the_shipped_template_imports_as_a_draft_with_a_portal_id(catalogue, template_row, write_csv):
    out = io.StringIO()
    call_command("import_usecases", str(write_csv([template_row()])), stdout=out)
    assert "새 사례 1" in out.getvalue() and "UTF-8" in out.getvalue()
    case = UseCase.objects.get(agency_ref="ABC-7")
    assert case.status == "draft" and case.search_lexemes and case.case_id.startswith("NTS-")
    assert case.contacts == ["ai@example.go.kr", "help@example.go.kr"]
    assert (case.reported_date("start_date"), case.reported_date("op_date")) == ("2025", "2026-03")
    assert UseCaseVersion.objects.filter(use_case=case, action="import").exists()


def test_every_error_of_every_row_comes_in_one_pass(catalogue, template_row, write_csv):
    rows = [
        template_row(agency_ref="ABC-10"),
        # one row, four problems: a bad date must not hide the others
        template_row(
            agency_ref="ABC-11", start_date="2026-13-40", stage="someday", title="", contacts="not-an-email"
        ),
        template_row(agency_ref="ABC-12", agency_code="NOWHERE", risk_tier="maybe"),
    ]
    err = io.StringIO()
    with pytest.raises(CommandError, match="아무것도 가져오지 않았습니다"):
        call_command("import_usecases", str(write_csv(rows)), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert any(line.startswith("3행, 열 start_date: 날짜로 읽을 수 없습니다") for line in lines)
    assert any(line.startswith("3행, 열 stage: 알 수 없는 값입니다: someday") for line in lines)
    assert any(line.startswith("3행, 열 title: 값이 필요합니다") for line in lines)
    assert any(line.startswith("3행, 열 contacts: 메일 주소가 없습니다") for line in lines)
    assert any(line.startswith("4행, 열 agency_code: 모르는 기관 코드입니다: NOWHERE") for line in lines)
    assert any(line.startswith("4행, 열 risk_tier: 알 수 없는 값입니다: maybe") for line in lines)
    assert not UseCase.objects.filter(agency_ref__startswith="ABC-").exists()


def test_errors_are_in_the_readers_language(catalogue, template_row, write_csv, importer):
    path = write_csv([template_row(stage="someday")])
    with translation.override("en"):
        report = importer(path)
        assert str(report.errors[0]).startswith("row 2, column stage: unknown value: someday")


def test_blank_agency_ids_are_never_duplicates_and_a_repeated_one_names_both_rows(
    catalogue, template_row, write_csv, importer
):
    blank = importer(write_csv([template_row(agency_ref=""), template_row(agency_ref="", title="다른 사례")]))
    assert blank.ok and blank.created == 2
    repeated = importer(
        write_csv([template_row(agency_ref="X-1"), template_row(agency_ref="X-1", title="둘째")])
    )
    assert [str(e) for e in repeated.errors] == [
        "3행, 열 agency_ref: 같은 기관의 자체 ID가 2행과 겹칩니다: X-1"
    ]


def test_a_row_with_the_portal_id_updates_that_record(catalogue, template_row, write_csv, importer):
    assert importer(
        write_csv([template_row(case_id="NTS-2025-001", title="AI 음성인식 국세상담 (고도화)")])
    ).ok
    case = UseCase.objects.get(case_id="NTS-2025-001")
    assert case.title == "AI 음성인식 국세상담 (고도화)" and case.agency_ref == "ABC-7"
    assert case.status == "submitted"  # it was public; an import changed it, so it is reviewed again
    unknown = importer(write_csv([template_row(case_id="NTS-2025-999")]))
    assert "포털에 없는 ID입니다" in str(unknown.errors[0])


def test_cp949_files_are_detected_said_and_round_trip(catalogue, write_csv, importer):
    out = io.StringIO()
    call_command("export_usecases", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    path = write_csv(rows, encoding="cp949")
    assert "국세청".encode("cp949") in path.read_bytes()
    report = importer(path)
    assert report.ok and report.encoding == "CP949 (EUC-KR 호환)"
    assert (report.created, report.updated, report.unchanged) == (0, 0, 14)  # the same records, unchanged


def test_a_file_in_another_encoding_than_declared_is_refused(catalogue, template_row, write_csv):
    cp949 = write_csv([template_row()], encoding="cp949")
    with pytest.raises(CommandError, match="UTF-8이 아닙니다. CP949"):
        call_command("import_usecases", str(cp949), "--encoding", "utf-8")
    utf8 = write_csv([template_row()], name="utf8.csv")
    with pytest.raises(CommandError, match="CP949로 지정했지만 UTF-8 파일입니다"):
        call_command("import_usecases", str(utf8), "--encoding", "cp949")
    latin = utf8.with_name("latin.csv")
    latin.write_bytes(
        "title,agency_code,summary_one_line\r\nCafé crème à la carte,NTS,Résumé\r\n".encode("cp1252")
    )
    with pytest.raises(CommandError, match="인코딩을 알 수 없습니다"):
        call_command("import_usecases", str(latin))
    assert not UseCase.objects.filter(agency_ref="ABC-7").exists()


def _xlsx(tmp_path, rows: list[dict], *, merge: str | None = None, formula: tuple[str, str] | None = None):
    book = openpyxl.Workbook()
    sheet = book.active
    header = list(rows[0])
    sheet.append(header)
    for row in rows:
        sheet.append([row[c] for c in header])
    if merge:
        sheet.merge_cells(merge)
    if formula:
        sheet[formula[0]] = formula[1]
    path = tmp_path / "cases.xlsx"
    book.save(path)
    return path


def test_xlsx_round_trip(catalogue, tmp_path, importer):
    out = io.StringIO()
    call_command("export_usecases", "--format", "csv", stdout=out)
    before = out.getvalue()
    rows = list(csv.DictReader(io.StringIO(before.lstrip("\ufeff"))))
    for row in rows:
        row["case_id"] = ""  # as new records: everything comes from the workbook
    UseCase.objects.all().delete()
    report = importer(_xlsx(tmp_path, rows))
    assert report.ok and report.created == 14
    for case in UseCase.objects.all():
        case.status = "published"
        case.save()
    after = io.StringIO()
    call_command("export_usecases", "--format", "csv", stdout=after)

    def strip(text):
        rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        return [{k: v for k, v in r.items() if k != "case_id"} for r in rows]

    assert sorted(strip(after.getvalue()), key=lambda r: r["title"]) == sorted(
        strip(before), key=lambda r: r["title"]
    )


def test_xlsx_with_merged_header_cells_is_refused(catalogue, tmp_path, template_row):
    path = _xlsx(tmp_path, [template_row()], merge="A1:C1")
    with pytest.raises(CommandError, match="머리글\\(첫 행\\)에 병합된 셀이 있습니다: A1:C1"):
        call_command("import_usecases", str(path))
    assert not UseCase.objects.filter(agency_ref="ABC-7").exists()


def test_formulas_in_cells_are_refused_with_their_address(
    catalogue, tmp_path, template_row, write_csv, importer
):
    xlsx = importer(
        _xlsx(tmp_path, [template_row()], formula=("E2", '=HYPERLINK("http://evil.example","열기")'))
    )
    assert [str(e) for e in xlsx.errors] == [
        "2행, 열 description_public: 수식으로 보이는 값은 가져오지 않습니다 (값으로 저장해 주세요): "
        '=HYPERLINK("http://evil.example","열기")'
    ]
    text = importer(
        write_csv([template_row(description_public='=HYPERLINK("http://evil.example")', vendors="@SUM(A1)")])
    )
    assert {e.column for e in text.errors} == {"description_public", "vendors"}
    plain = importer(write_csv([template_row(vendors="-", funding_program="+82 국고 지원")]))  # not formulas
    assert plain.ok
    assert UseCase.objects.filter(agency_ref="ABC-7").count() == 1


def test_a_million_rows_are_refused_without_reading_them_all(catalogue, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("title,agency_code,summary_one_line\n")
        handle.writelines("t,NTS,s\n" for _ in range(1_000_000))
    with pytest.raises(CommandError, match="행이 너무 많습니다: 한 번에 50,000행까지"):
        call_command("import_usecases", str(path))
    assert UseCase.objects.count() == 14


def test_a_100_mb_file_is_refused_by_its_size(catalogue, tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: the size is what is refused, before any reading
    with pytest.raises(CommandError, match="파일이 너무 큽니다: 104.9 MB \\(최대 50 MB\\)"):
        call_command("import_usecases", str(path))


def test_csv_export_has_a_bom_and_defuses_formulas(catalogue):
    UseCase.objects.filter(case_id="NTS-2025-001").update(
        title='=HYPERLINK("http://evil.example","열기")', vendors="@SUM(A1)"
    )
    out = io.StringIO()
    call_command("export_usecases", "--format", "csv", stdout=out)
    text = out.getvalue()
    assert text.startswith("\ufeff") and text.lstrip("\ufeff").splitlines()[0] == ",".join(COLUMNS)
    row = next(
        r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if r["case_id"] == "NTS-2025-001"
    )
    assert row["title"] == '\'=HYPERLINK("http://evil.example","열기")' and row["vendors"] == "'@SUM(A1)"


def test_json_export_round_trips_the_columns(catalogue):
    out = io.StringIO()
    call_command("export_usecases", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == 14 and set(rows[0]) == set(COLUMNS)


def test_imported_rows_are_indexed_and_versioned_like_saved_ones(
    catalogue, template_row, write_csv, importer
):
    rows = [
        template_row(agency_ref="ABC-21", title="하천 수위 예측 시범"),
        template_row(agency_ref="ABC-22", title="민원 답변 초안 작성"),
    ]
    assert importer(write_csv(rows)).ok
    for ref, query in [("ABC-21", "수위를 예측"), ("ABC-22", "답변 초안")]:
        case = UseCase.objects.get(agency_ref=ref)
        # the bulk path analyses in one batch; the result is what a single save would store
        assert case.search_lexemes == search.document_lexemes(services._search_fields(case))
        assert case.pk in search.ranked_ids(query, within=UseCase.objects.all())
        assert list(case.versions.values_list("number", "action")) == [(1, "import")]
