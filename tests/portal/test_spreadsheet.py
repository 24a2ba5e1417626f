import csv
import io

import pytest

from core import spreadsheet


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+82 10", "'+82 10"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("-1.5", "-1.5"),
        ("+3", "+3"),
        ("1e-3", "1e-3"),
        ("민원 상담", "민원 상담"),
        (-2, -2),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert spreadsheet.safe_cell(value) == expected


def test_dict_writer_starts_with_bom_and_defuses_cells():
    handle = io.StringIO()
    writer = spreadsheet.dict_writer(handle, ["name", "score"])
    writer.writeheader()
    writer.writerow({"name": "=cmd()", "score": -3})
    text = handle.getvalue()
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [{"name": "'=cmd()", "score": "-3"}]


def test_writer_defuses_every_cell():
    handle = io.StringIO()
    spreadsheet.writer(handle).writerow(["@x", "ok", "=1"])
    assert handle.getvalue() == "\ufeff'@x,ok,'=1\r\n"
