"""CSV that is safe to open in a spreadsheet: every export of the portal writes through here.

Two promises. Korean Excel reads a CSV as CP949 unless it starts with a UTF-8 byte-order mark, so
every file starts with one. And a cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage
return, which some spreadsheets strip before looking) is a formula to Excel and LibreOffice: text that
came from a citizen, a model or an agency could run `=HYPERLINK(...)` on a reviewer's machine, so such
a cell is written with a leading apostrophe (OWASP's "CSV injection" advice). Numbers stay numbers:
a negative figure is data, not a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should receive it: formula-looking text defused, the rest unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def writer(handle: TextIO, *, bom: bool = True):
    """A csv.writer whose rows are defused cell by cell; writes the BOM first."""
    if bom:
        handle.write(BOM)
    return _SafeWriter(csv.writer(handle))


def dict_writer(handle: TextIO, fieldnames: Iterable[str], *, bom: bool = True) -> _SafeDictWriter:
    """A csv.DictWriter whose values are defused; writes the BOM first (the header is written by the caller)."""
    if bom:
        handle.write(BOM)
    return _SafeDictWriter(csv.DictWriter(handle, fieldnames=list(fieldnames)))


class _SafeWriter:
    def __init__(self, inner) -> None:
        self._inner = inner

    def writerow(self, row: Iterable[Any]) -> None:
        self._inner.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _SafeDictWriter:
    def __init__(self, inner: csv.DictWriter) -> None:
        self._inner = inner

    def writeheader(self) -> None:
        self._inner.writeheader()

    def writerow(self, row: Mapping[str, Any]) -> None:
        self._inner.writerow({k: safe_cell(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)
