import datetime as dt

import pytest

from ax_catalog import dates

US_FORMATS = ["%m/%d/%Y", "%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%b-%y", "%Y"]


@pytest.mark.parametrize(
    ("text", "shown", "precision"),
    [
        ("07/2023", "2023-07", "month"),
        ("10/3/2022", "2022-10-03", "day"),
        ("2022-08-16 00:00:00", "2022-08-16", "day"),
        ("Jan-23", "2023-01", "month"),
        ("2021", "2021", "year"),
        ("  07/2023 ", "2023-07", "month"),
    ],
)
def test_reported_dates_keep_their_precision(text, shown, precision):
    parsed = dates.parse(text, US_FORMATS)
    assert (str(parsed), parsed.precision) == (shown, precision)


@pytest.mark.parametrize("text", ["", "FY2024", "13/2023", "2023-02-30", "soon"])
def test_what_no_format_reads_is_none(text):
    assert dates.parse(text, US_FORMATS) is None


def test_iso_forms_are_the_default():
    assert str(dates.parse("2025")) == "2025" and str(dates.parse("2025-07")) == "2025-07"
    assert dates.parse("2025-07-14").date == dt.date(2025, 7, 14)


@pytest.mark.parametrize(
    ("a", "b", "before"),
    [
        (("2023", "year"), ("2023-05", "month"), False),  # 2023 may end after May 2023 starts
        (("2022", "year"), ("2023-01", "month"), True),
        (("2023-04", "month"), ("2023-04-30", "day"), False),
        (("2023-02", "month"), ("2023-03-01", "day"), True),
    ],
)
def test_is_before_respects_precision(a, b, before):
    first = dates.ReportedDate(dates.parse(a[0]).date, a[1])
    second = dates.ReportedDate(dates.parse(b[0]).date, b[1])
    assert dates.is_before(first, second) is before
