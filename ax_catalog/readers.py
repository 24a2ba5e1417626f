"""Reading a register's export as agencies send it: CSV in UTF-8 (with or without BOM) or CP949/EUC-KR,
and XLSX. Every refusal is a ReadError whose message says what to do, in the reader's language.

Guarantees:
- Size and row limits are checked before the content is kept: a 100 MB file is refused by its size,
  a file of a million rows stops being read one row past the limit.
- Encoding: UTF-8 when the bytes are UTF-8 (a BOM is dropped); otherwise CP949 (the superset of EUC-KR
  that Korean spreadsheet exports produce) when the text it gives is Korean; otherwise refused. A
  declared encoding the bytes do not match is refused with what they look like instead. The encoding
  used is reported back.
- XLSX: the first sheet, through python-calamine. A header row with merged cells is refused (the
  merged columns would have no names), and cells holding formulas are reported with their addresses.
- Formula-looking cells (`=HYPERLINK(...)`, `+SUM(...)`, `@cmd`) are reported by `formula_cells`, so an
  import can refuse them instead of storing text a spreadsheet would later run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from django.utils.translation import gettext as _

UTF8, CP949 = "utf-8", "cp949"
_FORMULA = re.compile(r"^\s*(=|[+\-@]\s*[A-Za-z_][\w.]*\s*\(|[+\-@=]?\s*\w+\|)")
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_SHEET_XML = re.compile(r"^xl/worksheets/sheet\d+\.xml$")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
XLSX_INFLATION = 20  # an XLSX may unpack to this many times the size limit, no more (zip bombs)


class ReadError(Exception):
    """The file cannot be read as a table; nothing was imported."""


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    numbers: list[int]  # each row's number as a spreadsheet shows it (the header is row 1)
    kind: str  # "csv" or "xlsx"
    encoding: str = ""  # for CSV: "utf-8", "utf-8-sig" or "cp949"
    formulas: list[tuple[int, int, str]] = field(default_factory=list)  # (sheet row, column index, text)

    def records(self) -> list[dict[str, str]]:
        width = len(self.header)
        return [dict(zip(self.header, (row + [""] * width)[:width], strict=True)) for row in self.rows]

    def encoding_label(self) -> str:
        return {
            UTF8: _("UTF-8"),
            "utf-8-sig": _("UTF-8 (BOM 포함)"),
            CP949: _("CP949 (EUC-KR 호환)"),
        }.get(self.encoding, "")


def looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would evaluate rather than show: "=...", "+FN(", "-FN(", "@FN(" or a DDE
    "cmd|...". Plain figures ("-3", "+82-2-...") and dashes used as bullets are not formulas."""
    return bool(text) and bool(_FORMULA.match(text))


def read_table(path: Path, *, encoding: str = "auto", max_bytes: int, max_rows: int) -> Table:
    """The file's header and rows. `encoding`: "auto", "utf-8" or "cp949" (CSV only)."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ReadError(_("파일을 열 수 없습니다: %(e)s") % {"e": error.strerror or error}) from None
    if size > max_bytes:
        raise ReadError(
            _("파일이 너무 큽니다: %(size)s MB (최대 %(max)s MB). 나누어 가져와 주세요.")
            % {"size": f"{size / 1e6:.1f}", "max": f"{max_bytes / 1e6:.0f}"}
        )
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, max_bytes=max_bytes, max_rows=max_rows)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise ReadError(
            _("XLSX 파일이 아닙니다 (엑셀 2007 이후 형식만 읽습니다). CSV나 XLSX로 저장해 주세요.")
        )
    text, used = decode(data, declared=encoding)
    return _read_csv(text, used, max_rows=max_rows)


def decode(data: bytes, *, declared: str = "auto") -> tuple[str, str]:
    """(text, encoding used). Refuses bytes that are not in the declared encoding, or in neither."""
    declared = declared.lower().replace("_", "-")
    if declared in ("euc-kr", "euckr", "ks-c-5601-1987"):
        declared = CP949
    has_bom = data.startswith(b"\xef\xbb\xbf")
    utf8 = _try(data, "utf-8-sig")
    if declared in ("utf-8", "utf8"):
        if utf8 is None:
            hint = _(" CP949(EUC-KR)로 저장된 파일로 보입니다.") if _korean_cp949(data) else ""
            raise ReadError(
                _("파일이 UTF-8이 아닙니다.") + hint + _(" 인코딩을 맞게 지정하거나 UTF-8로 저장해 주세요.")
            )
        return utf8, "utf-8-sig" if has_bom else UTF8
    if declared == CP949:
        if has_bom or (utf8 is not None and not utf8.isascii()):
            raise ReadError(
                _("CP949로 지정했지만 UTF-8 파일입니다. 인코딩을 UTF-8로 지정하거나 지정하지 마세요.")
            )
        text = _try(data, CP949)
        if text is None:
            raise ReadError(_("파일이 CP949(EUC-KR)가 아닙니다. 인코딩을 맞게 지정해 주세요."))
        return text, CP949
    if declared != "auto":
        raise ReadError(_("지원하지 않는 인코딩입니다: %(e)s (UTF-8 또는 CP949)") % {"e": declared})
    if utf8 is not None:
        return utf8, "utf-8-sig" if has_bom else UTF8
    if (text := _korean_cp949(data)) is not None:
        return text, CP949
    raise ReadError(_("파일 인코딩을 알 수 없습니다. UTF-8 또는 CP949(EUC-KR)로 저장해 주세요."))


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _korean_cp949(data: bytes) -> str | None:
    """The CP949 reading of `data` when it is Korean text: most non-ASCII characters Hangul syllables.
    (Western single-byte text also decodes as CP949, into nonsense syllables and symbols.)"""
    text = _try(data, CP949)
    if text is None:
        return None
    non_ascii = [c for c in text if not c.isascii()]
    hangul = sum(1 for c in non_ascii if _HANGUL.match(c))
    return text if non_ascii and hangul / len(non_ascii) >= 0.9 else None


def _read_csv(text: str, used: str, *, max_rows: int) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ReadError(_("빈 파일입니다.")) from None
    except csv.Error as error:
        raise ReadError(_("CSV로 읽을 수 없습니다: %(e)s") % {"e": error}) from None
    rows: list[list[str]] = []
    numbers: list[int] = []
    formulas: list[tuple[int, int, str]] = []
    try:
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) == max_rows:
                raise _too_many(max_rows)
            rows.append(row)
            numbers.append(number)
            formulas.extend((number, i, c) for i, c in enumerate(row) if looks_like_formula(c))
    except csv.Error as error:
        raise ReadError(
            _("%(line)s번째 줄을 CSV로 읽을 수 없습니다: %(e)s") % {"line": reader.line_num, "e": error}
        ) from None
    _check_header(header)
    return Table(header=header, rows=rows, numbers=numbers, kind="csv", encoding=used, formulas=formulas)


def _too_many(max_rows: int) -> ReadError:
    return ReadError(
        _("행이 너무 많습니다: 한 번에 %(max)s행까지 가져올 수 있습니다. 나누어 가져와 주세요.")
        % {"max": f"{max_rows:,}"}
    )


def _check_header(header: list[str]) -> None:
    if not any(header):
        raise ReadError(_("첫 행에 열 이름이 없습니다."))
    seen = set()
    for name in header:
        if name and name in seen:
            raise ReadError(_("열 이름이 두 번 나옵니다: %(c)s") % {"c": name})
        seen.add(name)


def _read_xlsx(data: bytes, *, max_bytes: int, max_rows: int) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > XLSX_INFLATION * max_bytes:
            raise ReadError(_("압축을 풀면 너무 큰 파일입니다."))
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except ReadError:
        raise
    except Exception as error:  # noqa: BLE001 - calamine and zipfile raise several types for a bad file
        raise ReadError(_("XLSX 파일을 읽을 수 없습니다: %(e)s") % {"e": error}) from None
    top, left = sheet.start or (0, 0)
    merged = [
        f"{_address(r0, c0)}:{_address(r1, c1)}"
        for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
        if r0 <= top <= r1
    ]
    if merged:
        raise ReadError(
            _(
                "머리글(첫 행)에 병합된 셀이 있습니다: %(cells)s. 병합을 풀고 열마다 이름을 하나씩 적어 주세요."
            )
            % {"cells": ", ".join(merged)}
        )
    rows_iter = sheet.iter_rows()
    try:
        header = [_text(v).strip() for v in next(rows_iter)]
    except StopIteration:
        raise ReadError(_("빈 파일입니다.")) from None
    rows: list[list[str]] = []
    numbers: list[int] = []
    for number, values in enumerate(rows_iter, start=top + 2):
        row = [_text(v) for v in values]
        if not any(cell.strip() for cell in row):
            continue
        if len(rows) == max_rows:
            raise _too_many(max_rows)
        rows.append(row)
        numbers.append(number)
    _check_header(header)
    formulas = [(r, c - left, f) for r, c, f in _xlsx_formulas(archive) if c >= left]
    return Table(header=header, rows=rows, numbers=numbers, kind="xlsx", formulas=formulas)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_formulas(archive: zipfile.ZipFile) -> list[tuple[int, int, str]]:
    """(sheet row, column index, formula) of the first sheet's formula cells; calamine reads a formula
    cell's cached value, so the formulas are read from the sheet's XML."""
    names = sorted(
        (n for n in archive.namelist() if _SHEET_XML.match(n)), key=lambda n: int(re.sub(r"\D", "", n))
    )
    if not names:
        return []
    found = []
    with archive.open(names[0]) as sheet:
        for _event, element in ElementTree.iterparse(sheet):
            if element.tag == f"{_MAIN_NS}c":
                formula = element.find(f"{_MAIN_NS}f")
                ref = _CELL_REF.match(element.get("r", ""))
                if formula is not None and ref:
                    found.append((int(ref[2]), _column_index(ref[1]), "=" + (formula.text or "")))
                element.clear()
    return found


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _address(row: int, column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"
