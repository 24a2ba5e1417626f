"""The US 2025 federal inventory through the shipped `us-federal-2025` mapping: the 25 unchanged real
records, and real rows made awkward the way the full file is (ids, dates, contacts, "Other - ...")."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from ax_catalog import mapping
from ax_catalog.models import NOT_REPORTED, VOCABULARIES, Agency, UseCase

pytestmark = pytest.mark.django_db

US = mapping.load("us-federal-2025")
# Fields the mapping sets from constants rather than from a column.
CONSTANTS = {"source_type", "source_url", "source_note", "source_register", "status", "agency"}


def by_title(title: str) -> UseCase:
    return UseCase.objects.get(title=title)


def test_all_25_real_records_load_published_by_the_administrator(federal, federal_rows):
    header, rows = federal_rows
    assert federal.created == 25 and federal.published == 25 and federal.agencies_created == 12
    assert UseCase.objects.published().count() == 25
    agencies = Agency.objects.filter(country="US")
    assert agencies.count() == 12 and set(agencies.values_list("agency_type", flat=True)) == {"foreign"}
    assert Agency.objects.get(code="DOJ").name == "Department of Justice"
    case = by_title("Voicemail Transcription, Translation and Summarization")
    assert case.versions.get().actor.username == "admin"  # who published without review, recorded


def test_nothing_is_invented(federal, federal_rows):
    """Every field either comes from the record's own cell (as reported, or 보고되지 않음 with the raw
    text kept) or stays empty; nothing the agency did not say is filled in."""
    header, rows = federal_rows
    fed = {target: column for column, target in US.columns.items()}
    for row in rows:
        case = UseCase.objects.get(agency__code=row["agency"], title=row["use_case_name"])
        for field in UseCase._meta.concrete_fields:
            name = field.name
            if name in CONSTANTS or name.endswith(("_precision", "_at")) or name in ("id", "case_id"):
                continue
            value = getattr(case, name)
            column = fed.get(name)
            raw = (row.get(column) or "").strip() if column else ""
            if name in ("reported_as", "source_extra", "withheld", "other_specify", "search_lexemes"):
                continue
            if column is None or US.is_blank(column, raw):
                assert value in (field.get_default(), "", None, []), (row["use_case_name"], name, value)
            elif name in case.withheld:
                assert value in ("", None) and case.reported_as[name] == raw
            elif name in VOCABULARIES:
                assert case.reported_as[name] == raw, (name, raw)
            elif name == "contacts":
                assert all(email in raw for email in value) and value
            elif name in ("op_date", "start_date", "end_date"):
                assert raw in (case.reported_date(name), case.reported_as.get(name))
            elif (
                value != raw
            ):  # not readable as this field's type (a "link" saying No): kept raw, not guessed
                assert value in ("", None) and case.reported_as[name] == raw, (row["use_case_name"], name)
        # What no column of this register says stays unsaid.
        assert case.summary_one_line == "" and case.description_public == ""
        assert case.objection_office == "" and case.high_impact_area == NOT_REPORTED
        # Every column without a field is kept beside the record, as reported.
        for column in ("demographic_features", "is_withheld"):
            if US._clean(row[column]):
                assert case.source_extra[column] == row[column]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Voicemail Transcription, Translation and Summarization",
            {
                "agency_ref": "DOJ-0243",
                "stage": "pilot",
                "risk_tier": "high_impact",
                "ai_class": "generative",
                "topic_area": "general_admin",
                "dev_method": "vendor",
                "security_review": "yes",
                "has_pii": "yes",
                "contacts": ["AI@usdoj.gov"],
                "op_date": "2025-09",
                "vendors": "Amazon",
            },
        ),
        (
            "Budget Area Topic Classification Tool",
            {"agency_ref": "8", "op_date": "2023", "stage": "development"},
        ),
        ("Data-Driven Streamflow Drought [2024 INV#WO0000000109714]", {"op_date": "2022-10-03"}),
        (
            "Blockchain Analysis",
            {"op_date": "2022-08-16", "risk_tier": "not_applicable", "stage": "operation"},
        ),
        ("Digital Asset Liquidity Risk Analysis", {"op_date": "2024-01", "training_data": ""}),
        (
            "AI-Driven Global Forecast Model and Ensemble",
            {
                "contacts": ["jacob.carley@noaa.gov", "daryl.kleist@noaa.gov"],
                "stage": "not_reported",
                "risk_tier": "not_reported",
                "topic_area": "not_reported",
            },
        ),
        (
            "California sea lion, Steller sea lion, and northern fur seal automated count program in the California current",
            {"contacts": ["sarah.chinn@noaa.gov", "tony.orr@noaa.gov"]},
        ),
        (
            "Inference of PFAS precursor compositions",
            {
                "practice_independent_review": "yes",
                "practice_monitoring": "yes",
                "practice_training": "yes",
                "practice_fail_safe": "not_applicable",
                "practice_appeal": "in_progress",
                "practice_consultation": "in_progress",
                "practice_testing": "not_reported",
            },
        ),
        ("Document summarization", {"agency_ref": "", "stage": "retired", "contacts": ["hhs.caio@hhs.gov"]}),
    ],
)
def test_real_values_land_as_reported(federal, title, expected):
    case = by_title(title)
    for name, value in expected.items():
        actual = case.reported_date(name) if name.endswith("_date") else getattr(case, name)
        assert actual == value, (name, actual)


def test_withheld_cell_is_shown_as_withheld_with_its_reason(federal, client):
    case = by_title("Voicemail Transcription, Translation and Summarization")
    assert case.withheld == {"security_review_note": "security"} and case.security_review_note == ""
    html = client.get(f"/ax/cases/{case.case_id}/").content.decode()
    cell = html.split('data-field="security_review_note"')[1].split("</dd>")[0]
    assert "비공개 (사유: 보안)" in cell


def test_blank_and_repeated_placeholder_ids_are_never_duplicates(federal_rows, write_csv, importer, admin):
    header, rows = federal_rows
    hhs = [r for r in rows if r["agency"] == "HHS"]
    assert len(hhs) == 3 and all(r["id"] == "" for r in hhs)
    tbd = [hhs[0] | {"id": "TBD", "use_case_name": "A"}, hhs[1] | {"id": "TBD", "use_case_name": "B"}]
    report = importer(write_csv(hhs + tbd, header=header), "us-federal-2025")
    assert report.ok and report.created == 5
    assert set(UseCase.objects.filter(agency__code="HHS").values_list("agency_ref", flat=True)) == {""}


def test_a_real_id_used_twice_by_one_agency_is_an_error_naming_both_rows(federal_rows, write_csv, importer):
    header, rows = federal_rows
    doj = next(r for r in rows if r["agency"] == "DOJ")
    report = importer(write_csv([doj, doj | {"use_case_name": "Another"}], header=header), "us-federal-2025")
    assert [str(e) for e in report.errors] == ["3행, 열 id: 같은 기관의 자체 ID가 2행과 겹칩니다: DOJ-0243"]
    assert not UseCase.objects.exists()


def test_awkward_real_values(federal_rows, write_csv, importer):
    header, rows = federal_rows
    base = next(r for r in rows if r["id"] == "DHS-2526")
    awkward = [
        base
        | {
            "id": "VA-1-2",
            "agency": "VA",
            "agency_name": "Department of Veterans Affairs",
            "operational_date": "Jan-23",
        },
        base | {"id": "DHS-35", "operational_date": "2021", "topic_area": "Other - Survey analysis"},
        base
        | {
            "id": "DHS-36",
            "operational_date": "07/2023",
            "has_pii": "Maybe",
            "is_high_impact": "a) High-impact",
        },
        base
        | {
            "id": "DHS-37",
            "operational_date": "FY2024",
            "development_stage": "c)  Deployed – The use case is being actively authorized or utilized to support the functions or mission of an agency.",
        },
        base
        | {
            "id": "DHS-38",
            "classification": "Generative AI: AI that generates new or synthetic content (e.g., images, videos, audio, text, code).",
            "contact_email": "Not available",
        },
    ]
    report = importer(write_csv(awkward, header=header), "us-federal-2025")
    assert report.ok, [str(e) for e in report.errors]
    va = UseCase.objects.get(agency_ref="VA-1-2")
    assert (va.op_date, va.op_date_precision, va.reported_date("op_date")) == (
        dt.date(2023, 1, 1),
        "month",
        "2023-01",
    )
    other = UseCase.objects.get(agency_ref="DHS-35")
    assert other.reported_date("op_date") == "2021" and other.op_date_precision == "year"
    assert other.topic_area == "other" and other.other_specify == {"topic_area": "Survey analysis"}
    unknown = UseCase.objects.get(agency_ref="DHS-36")
    assert unknown.has_pii == NOT_REPORTED and unknown.reported_as["has_pii"] == "Maybe"  # kept, not guessed
    assert unknown.risk_tier == "high_impact" and unknown.reported_date("op_date") == "2023-07"
    fiscal = UseCase.objects.get(agency_ref="DHS-37")
    assert (
        fiscal.op_date is None and fiscal.reported_as["op_date"] == "FY2024" and fiscal.stage == "operation"
    )
    long_form = UseCase.objects.get(agency_ref="DHS-38")
    assert long_form.ai_class == "generative" and long_form.contacts == []


def test_reimport_updates_the_same_records_and_sends_changed_public_ones_back_to_review(
    federal, federal_rows, write_csv, importer
):
    header, rows = federal_rows
    ids = set(UseCase.objects.values_list("pk", flat=True))
    changed = [r | {"development_stage": "Retired"} if r["id"] == "FDIC-67" else r for r in rows]
    report = importer(write_csv(changed, header=header), "us-federal-2025")
    assert (report.created, report.updated, report.unchanged, report.to_review) == (0, 1, 24, 1)
    assert set(UseCase.objects.values_list("pk", flat=True)) == ids  # no duplicates, blank ids included
    fdic = UseCase.objects.get(agency_ref="FDIC-67")
    assert fdic.stage == "retired" and fdic.status == "submitted"  # changed outside review: reviewed again
    assert list(fdic.versions.order_by("number").values_list("action", flat=True)) == ["import", "reimport"]


def test_imports_arrive_as_drafts_and_only_an_administrator_may_publish(db, admin):
    from core import roles
    from tests.personas import make_user

    make_user("reviewer", roles.MINISTRY_REVIEWER)
    sample = "ax_catalog/data/us-federal-2025-sample.csv"
    with pytest.raises(CommandError, match="관리자"):
        call_command(
            "import_usecases", sample, "--mapping", "us-federal-2025", "--publish", "--as", "reviewer"
        )
    with pytest.raises(CommandError, match="관리자"):
        call_command("import_usecases", sample, "--mapping", "us-federal-2025", "--publish")
    assert not UseCase.objects.exists()
    call_command("import_usecases", sample, "--mapping", "us-federal-2025", stdout=io.StringIO())
    assert set(UseCase.objects.values_list("status", flat=True)) == {"draft"}
    out = io.StringIO()
    call_command(
        "import_usecases", sample, "--mapping", "us-federal-2025", "--publish", "--as", "admin", stdout=out
    )
    assert "공개 25" in out.getvalue() and UseCase.objects.published().count() == 25


def test_a_new_agency_code_with_a_name_already_taken_is_an_error(federal, federal_rows, write_csv, importer):
    header, rows = federal_rows
    doj = next(r for r in rows if r["agency"] == "DOJ")
    report = importer(write_csv([doj | {"agency": "USDOJ", "id": "X-1"}], header=header), "us-federal-2025")
    assert [str(e) for e in report.errors] == [
        "2행, 열 agency_name: 기관명 'Department of Justice'은 이미 기관 코드 DOJ에 쓰였습니다"
    ]


def test_the_demo_loads_the_real_records_once(admin):
    from ax_catalog.loading import register_sample_load

    assert register_sample_load(admin) == 25
    assert register_sample_load(admin) == 0 and UseCase.objects.published().count() == 25
