import csv
import io
from pathlib import Path

import pytest

from ax_catalog import mapping, readers, transfer
from ax_catalog.loading import sample_load
from core import roles
from tests.personas import make_user

ROOT = Path(__file__).resolve().parents[2]
FEDERAL_SAMPLE = ROOT / "ax_catalog" / "data" / "us-federal-2025-sample.csv"
TEMPLATE = ROOT / "ax_catalog" / "data" / "usecases_template.csv"


@pytest.fixture
def catalogue(db):
    """The 14 grounded sample cases (published) and their 11 agencies."""
    assert sample_load() == 14


@pytest.fixture
def admin(db):
    return make_user("admin", roles.ADMINISTRATOR)


@pytest.fixture
def federal(db, admin):
    """The 25 unchanged records of the US 2025 federal inventory, imported and published by an administrator."""
    report = import_path(FEDERAL_SAMPLE, "us-federal-2025", publish=True, actor=admin)
    assert report.ok, [str(e) for e in report.errors]
    return report


def import_path(path: Path, mapping_name: str = "portal", **options) -> transfer.ImportReport:
    return transfer.import_file(path, mapping.load(mapping_name), **options)


@pytest.fixture
def importer():
    return import_path


@pytest.fixture
def write_csv(tmp_path):
    """Write rows (dicts, header from the first) as CSV in an encoding; returns the path."""

    def write(rows: list[dict], *, encoding: str = "utf-8", name: str = "cases.csv", header=None) -> Path:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header or list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        path = tmp_path / name
        path.write_bytes(buffer.getvalue().encode(encoding))
        return path

    return write


@pytest.fixture
def template_row():
    """The shipped template's example row, changed as asked."""

    def row(**changes) -> dict[str, str]:
        with TEMPLATE.open(encoding="utf-8") as handle:
            return next(csv.DictReader(handle)) | changes

    return row


@pytest.fixture
def federal_rows():
    """The 25 real records as dicts (header order kept), for awkward variants of real rows."""
    with FEDERAL_SAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


@pytest.fixture
def read():
    def read_table(path: Path, **options) -> readers.Table:
        return readers.read_table(
            path,
            max_bytes=options.pop("max_bytes", 50_000_000),
            max_rows=options.pop("max_rows", 50_000),
            **options,
        )

    return read_table
