import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ax_catalog import search, services
from ax_catalog.loading import sample_load
from ax_catalog.models import UseCase, UseCaseVersion
from ax_catalog.transfer import COLUMNS

pytestmark = pytest.mark.django_db
TEMPLATE = Path(__file__).resolve().parents[2] / "ax_catalog" / "data" / "usecases_template.csv"


@pytest.fixture
def agencies():
    sample_load()
    return UseCase.objects.count()


def write(tmp_path, rows) -> Path:
    path = tmp_path / "cases.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def template_row(**changes) -> dict[str, str]:
    with TEMPLATE.open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    return row | changes


def test_the_shipped_template_imports(agencies, tmp_path):
    out = io.StringIO()
    call_command("import_usecases", str(write(tmp_path, [template_row()])), stdout=out)
    assert "Imported 1" in out.getvalue()
    case = UseCase.objects.get(case_id="ABC-2026-001")
    assert case.status == "draft" and case.search_lexemes
    assert UseCaseVersion.objects.filter(use_case=case, action="import").exists()


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"stage": "someday"}, "stage", "someday"),
        ({"start_date": "2026-13-40"}, "start_date", "not a date"),
        ({"case_id": "NTS-2025-001"}, "case_id", "duplicate case_id"),
        ({"agency_code": "NOWHERE"}, "agency_code", "unknown agency"),
        ({"title": ""}, "title", "required"),
    ],
)
def test_any_bad_row_imports_nothing_and_names_row_and_column(agencies, tmp_path, changes, column, message):
    rows = [template_row(case_id="ABC-2026-010"), template_row(**({"case_id": "ABC-2026-011"} | changes))]
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_usecases", str(write(tmp_path, rows)), stdout=io.StringIO(), stderr=err)
    assert f"row 2, column {column}" in err.getvalue() and message in err.getvalue()
    assert UseCase.objects.count() == agencies


def test_duplicate_case_id_within_the_file(agencies, tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_usecases", str(write(tmp_path, [template_row(), template_row()])), stderr=err)
    assert "row 2, column case_id: duplicate case_id 'ABC-2026-001' (also row 1)" in err.getvalue()


def test_export_round_trips(agencies, tmp_path):
    out = io.StringIO()
    call_command("export_usecases", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == agencies and set(rows[0]) == set(COLUMNS)
    csv_out = io.StringIO()
    call_command("export_usecases", "--format", "csv", stdout=csv_out)
    assert csv_out.getvalue().splitlines()[0] == ",".join(COLUMNS)


def test_imported_rows_are_indexed_and_versioned_like_saved_ones(agencies, tmp_path):
    rows = [
        template_row(case_id="ABC-2026-021", title="하천 수위 예측 시범", status="published"),
        template_row(case_id="ABC-2026-022", title="민원 답변 초안 작성", status="published"),
    ]
    call_command("import_usecases", str(write(tmp_path, rows)), stdout=io.StringIO())
    for case_id, query in [("ABC-2026-021", "수위를 예측"), ("ABC-2026-022", "답변 초안")]:
        case = UseCase.objects.get(case_id=case_id)
        # the bulk path analyses in one batch; the result is what a single save would store
        assert case.search_lexemes == search.document_lexemes(services._search_fields(case))
        assert case.pk in search.ranked_ids(query)
        assert list(case.versions.values_list("number", "action")) == [(1, "import")]
