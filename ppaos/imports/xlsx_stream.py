"""A streaming reader for .xlsx worksheets: rows come out one at a time while the worksheet XML
is decompressed in 1 MiB pieces, so memory holds the shared-strings table and one piece of the
sheet, never the whole sheet (python-calamine 0.9 loads the whole sheet into memory first:
about 1.5 GiB for a million 17-column rows).

Cells come out as python-calamine gives them: text as str, numbers as float, date-formatted
numbers as datetime, booleans as bool, empty cells as "". Pure Python, no Django.

Hostile files (see readers.py for the limits): every zip member is read through `_Guarded`,
which counts the inflated bytes WHILE decompressing and stops at a member's size limit or at a
compression ratio no real workbook has (a zip bomb fails in the first megabytes, not after
gigabytes); rows and columns are counted as they stream; XML is parsed with defusedxml and a
document type declaration (entities: billion laughs, external entities) is refused; the first
VISIBLE worksheet is read (a hidden or very hidden first sheet is skipped).
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import re
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_ROW_NUMBER_RE = re.compile(r'\br="(\d+)"')
_CELL_RE = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_CELL_REF_RE = re.compile(r'\br="([A-Z]+)\d*"')
_TYPE_RE = re.compile(r'\bt="(\w+)"')
_STYLE_RE = re.compile(r'\bs="(\d+)"')
_VALUE_RE = re.compile(r"<v>(.*?)</v>", re.S)
_INLINE_TEXT_RE = re.compile(r"<t\b[^>]*>(.*?)</t>", re.S)
_DIMENSION_RE = re.compile(rb'<dimension ref="[A-Z]+\d+:?[A-Z]*(\d*)"')
# The layout Excel and openpyxl write (attributes r, s, t in this order; a value or inline
# text). A row whose cells do not all match is read by the general path.
_FAST_CELL_RE = re.compile(
    r'<c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="(\w+)")?'
    r'(?:\s*/>|><v>([^<]*)</v></c>|><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>)'
)

# Built-in number formats that show dates (ECMA-376 18.8.30, and the Thai ones 71–81).
_BUILTIN_DATE_FORMATS = frozenset(
    [*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)]
)
_FORMAT_NOISE_RE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_DATE_TOKEN_RE = re.compile(r"[dyeวดป]|(?<![hH:])m", re.I)


# Spreadsheet dates have no time zone: naive, as python-calamine gives them.
_EPOCH_1904 = dt.datetime(1904, 1, 1)  # noqa: DTZ001
_EPOCH_1900_BEFORE_LEAP_BUG = dt.datetime(1899, 12, 31)  # noqa: DTZ001
_EPOCH_1900 = dt.datetime(1899, 12, 30)  # noqa: DTZ001


class XlsxError(Exception):
    """The package is not a readable workbook (damaged, truncated, or not xlsx)."""


class XlsxLimitError(XlsxError):
    """The workbook is hostile or over a limit; `code` is a readers.FILE_MESSAGES key."""

    def __init__(self, code: str, **params) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


# Limits (readers.py documents them; tests may lower them).
MAX_SHEET_BYTES = 3 << 30  # inflated worksheet XML (a million 20-column rows is ~400 MiB)
MAX_PART_BYTES = 512 << 20  # inflated shared strings, styles, workbook parts
MAX_RATIO = 150  # inflated / compressed, checked once a member passed RATIO_FLOOR bytes
RATIO_FLOOR = 16 << 20
MAX_ROWS = 1_048_576  # Excel's own maximum
MAX_COLUMNS = 1_000
MAX_SHARED_STRINGS = 5_000_000
MAX_CELL_CHARS = 32_767  # Excel's own maximum characters in a cell
MAX_ROW_CHARS = 64 << 20  # one row's XML (a row without an end is not buffered forever)


class OverlongRow(list):
    """A row whose cell `column` (0-based) holds more than MAX_CELL_CHARS characters: the
    framework rejects this row with a message; the file goes on. Its other cells are kept (the
    long one is blanked), so an importer that joins tables can still tell whose row it was."""

    column: int = 0
    length: int = 0


def overlong(cells: list, limit: int) -> list:
    """`cells`, or an OverlongRow naming the first cell over `limit` characters."""
    for index, value in enumerate(cells):
        if isinstance(value, str) and len(value) > limit:
            row = OverlongRow(cells)
            row[index] = None
            row.column, row.length = index, len(value)
            return row
    return cells


class _Guarded:
    """A zip member read in bounded pieces, failing on its size limit or a bomb's ratio."""

    def __init__(self, archive: zipfile.ZipFile, name: str, limit: int) -> None:
        info = archive.getinfo(name)
        self.compressed = max(info.compress_size, 1)
        if info.file_size > limit or (
            info.file_size > RATIO_FLOOR and info.file_size / self.compressed > MAX_RATIO
        ):
            raise XlsxLimitError("zip_bomb")
        self.limit = limit
        self.inflated = 0
        self.handle = archive.open(info)

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size if 0 < size <= 1 << 20 else 1 << 20)
        self.inflated += len(data)
        if self.inflated > self.limit or (
            self.inflated > RATIO_FLOOR and self.inflated / self.compressed > MAX_RATIO
        ):
            raise XlsxLimitError("zip_bomb")
        return data

    def read_all(self) -> bytes:
        parts = []
        while chunk := self.read(1 << 20):
            parts.append(chunk)
        return b"".join(parts)

    def close(self) -> None:
        self.handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _no_dtd(head: bytes) -> None:
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise XlsxLimitError("xml_entities")


def _parse(data: bytes):
    _no_dtd(data[:4096])
    try:
        return SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise XlsxLimitError("xml_entities") from None


def _column_index(letters: str, cache: dict[str, int]) -> int:
    index = cache.get(letters)
    if index is None:
        index = 0
        for char in letters:
            index = index * 26 + (ord(char) - 64)
        index -= 1
        cache[letters] = index
    return index


def _is_date_format(code: str) -> bool:
    cleaned = _FORMAT_NOISE_RE.sub("", code)
    return bool(_DATE_TOKEN_RE.search(cleaned))


class XlsxStream:
    """Open the first visible worksheet of an xlsx (or the one named `sheet`) for streaming."""

    def __init__(self, path: str, sheet: str | None = None) -> None:
        self.wanted_sheet = sheet
        try:
            self.zip = zipfile.ZipFile(path)
            self.sheet_name = self._first_sheet()
            self._long_shared = False
            self.shared = self._shared_strings()
            self.date_styles = self._date_styles()
            self.estimated_rows = self._estimated_rows()
            self._columns: dict[str, int] = {}
        except XlsxLimitError:
            self.zip.close()
            raise
        except (
            zipfile.BadZipFile, zlib.error, EOFError, KeyError, AttributeError, ValueError,
            ElementTree.ParseError, NotImplementedError, RuntimeError,
        ) as exc:  # fmt: skip
            raise XlsxError(str(exc)) from exc

    def _read(self, name: str) -> bytes:
        with _Guarded(self.zip, name, MAX_PART_BYTES) as handle:
            return handle.read_all()

    def _first_sheet(self) -> str:
        """The first visible worksheet (hidden and very hidden sheets are skipped; if every
        sheet is hidden, the first)."""
        workbook = _parse(self._read("xl/workbook.xml"))
        properties = workbook.find(f"{_MAIN}workbookPr")
        self._date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        sheets = workbook.findall(f"{_MAIN}sheets/{_MAIN}sheet")
        visible = [s for s in sheets if s.get("state", "visible") not in ("hidden", "veryHidden")]
        self.sheet_titles = [s.get("name", "") for s in visible]
        if self.wanted_sheet is not None:
            named = [s for s in visible if s.get("name", "").strip() == self.wanted_sheet]
            if not named:
                raise XlsxLimitError("no_sheet", sheet=self.wanted_sheet)
            sheet = named[0]
        else:
            sheet = (visible or sheets)[0]
        self.hidden_skipped = len(sheets) - len(visible)
        rel_id = sheet.get(f"{_REL}id")
        rels = _parse(self._read("xl/_rels/workbook.xml.rels"))
        for rel in rels.iter(f"{_PACKAGE_REL}Relationship"):
            if rel.get("Id") == rel_id:
                target = rel.get("Target")
                return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        raise KeyError("worksheet")

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return []
        strings: list[str] = []
        si, t, run = f"{_MAIN}si", f"{_MAIN}t", f"{_MAIN}r"
        with _Guarded(self.zip, "xl/sharedStrings.xml", MAX_PART_BYTES) as handle:
            try:
                events = SafeElementTree.iterparse(handle, events=("end",), forbid_dtd=True)
                for _event, element in events:
                    if element.tag == si:
                        # Plain text, or rich-text runs; phonetic guides (rPh) are not the text.
                        texts = []
                        for child in element:
                            if child.tag == t:
                                texts.append(child.text or "")
                            elif child.tag == run:
                                texts.extend(x.text or "" for x in child.iter(t))
                        text = "".join(texts)
                        if len(text) > MAX_CELL_CHARS:
                            self._long_shared = True
                        strings.append(text)
                        element.clear()
                        if len(strings) > MAX_SHARED_STRINGS:
                            raise XlsxLimitError("zip_bomb")
            except DefusedXmlException:
                raise XlsxLimitError("xml_entities") from None
        return strings

    def _date_styles(self) -> frozenset[int]:
        if "xl/styles.xml" not in self.zip.namelist():
            return frozenset()
        styles = _parse(self._read("xl/styles.xml"))
        custom = {
            int(fmt.get("numFmtId")): fmt.get("formatCode", "")
            for fmt in styles.iter(f"{_MAIN}numFmt")
        }
        dates = set()
        cell_xfs = styles.find(f"{_MAIN}cellXfs")
        for index, xf in enumerate(cell_xfs if cell_xfs is not None else []):
            number_format = int(xf.get("numFmtId", "0"))
            if number_format in _BUILTIN_DATE_FORMATS or (
                number_format in custom and _is_date_format(custom[number_format])
            ):
                dates.add(index)
        return frozenset(dates)

    def _estimated_rows(self) -> int:
        """From the sheet's dimension, else from the size of the first rows (for the bar)."""
        with _Guarded(self.zip, self.sheet_name, MAX_SHEET_BYTES) as handle:
            head = handle.read(1 << 18)
        _no_dtd(head[:4096])
        match = _DIMENSION_RE.search(head[:4096])
        if match and match.group(1):
            return int(match.group(1))
        rows = head.count(b"</row>")
        if not rows:
            return 0
        size = self.zip.getinfo(self.sheet_name).file_size
        return rows if size <= len(head) else int(size / (head.rfind(b"</row>") / rows))

    def _date(self, serial: float) -> dt.datetime | float:
        if self._date1904:
            base = _EPOCH_1904
        elif serial < 60:
            base = _EPOCH_1900_BEFORE_LEAP_BUG
        elif serial < 61:
            return serial  # Excel's fictitious 29 Feb 1900: let the date rules reject it
        else:
            base = _EPOCH_1900
        try:
            return base + dt.timedelta(days=serial)
        except OverflowError:
            return serial

    def rows(self) -> Iterator[tuple[int, list]]:
        """(1-based row number, cells) for every row that has cells, in sheet order."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        next_number = 1
        try:
            with _Guarded(self.zip, self.sheet_name, MAX_SHEET_BYTES) as handle:
                pending = ""
                while True:
                    chunk = handle.read(1 << 20)
                    data = pending + decoder.decode(chunk, final=not chunk)
                    end = data.rfind("</row>")
                    if chunk and end < 0:
                        if len(data) > MAX_ROW_CHARS:
                            raise XlsxLimitError("too_many_columns", limit=MAX_COLUMNS)
                        pending = data
                        continue
                    if chunk:
                        complete, pending = data[: end + 6], data[end + 6 :]
                    else:
                        complete, pending = data, ""
                    # Each piece ends a row: "<row r=..>cells" (empty "<row .../>" before it
                    # have no cells and are skipped).
                    for piece in complete.split("</row>"):
                        start = piece.rfind("<row")
                        if start < 0:
                            continue
                        head_end = piece.find(">", start)
                        number_match = _ROW_NUMBER_RE.search(piece, start, head_end)
                        number = int(number_match.group(1)) if number_match else next_number
                        next_number = number + 1
                        if number > MAX_ROWS + 1:
                            raise XlsxLimitError("too_many_rows", limit=MAX_ROWS)
                        body = piece[head_end + 1 :]
                        if body:
                            cells = self._cells(body)
                            if len(cells) > MAX_COLUMNS:
                                raise XlsxLimitError("too_many_columns", limit=MAX_COLUMNS)
                            if self._long_shared or len(body) > MAX_CELL_CHARS:
                                cells = overlong(cells, MAX_CELL_CHARS)
                            yield number, cells
                    if not chunk:
                        return
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise XlsxError(str(exc)) from exc

    def _cells(self, body: str) -> list:
        found = _FAST_CELL_RE.findall(body)
        if len(found) != body.count("<c "):
            return self._cells_slowly(body)
        shared, date_styles = self.shared, self.date_styles
        cells: list = []
        append = cells.append
        for _ref, style, kind, value, inline in found:
            if kind == "inlineStr":
                append(inline if "&" not in inline else html.unescape(inline))
            elif kind == "s":
                append(shared[int(value)])
            elif kind == "n" or not kind:
                if value:
                    number = float(value)
                    append(self._date(number) if style and int(style) in date_styles else number)
                else:
                    append("")
            elif kind == "b":
                append(value == "1")
            else:
                append(_text(value))
        # Cells are usually contiguous from column A; otherwise place each by its reference.
        if found and self._column(found[-1][0]) != len(found) - 1:
            placed: list = []
            for (ref, *_rest), value in zip(found, cells, strict=True):
                index = self._column(ref)
                if index >= MAX_COLUMNS:
                    raise XlsxLimitError("too_many_columns", limit=MAX_COLUMNS)
                if index > len(placed):
                    placed.extend([""] * (index - len(placed)))
                placed.append(value)
            return placed
        return cells

    def _column(self, letters: str) -> int:
        index = self._columns.get(letters)
        return _column_index(letters, self._columns) if index is None else index

    def _cells_slowly(self, body: str) -> list:
        """Any cell layout: attributes in any order, formulas, rich inline text."""
        cells: list = []
        for cell in _CELL_RE.finditer(body):
            attributes, content = cell.group(1), cell.group(2)
            value = self._cell(attributes, content or "")
            ref = _CELL_REF_RE.search(attributes)
            if ref is not None:
                index = _column_index(ref.group(1), self._columns)
                if index >= MAX_COLUMNS:
                    raise XlsxLimitError("too_many_columns", limit=MAX_COLUMNS)
                if index > len(cells):
                    cells.extend([""] * (index - len(cells)))
            cells.append(value)
        return cells

    def _cell(self, attributes: str, body: str):
        if not body:
            return ""
        kind_match = _TYPE_RE.search(attributes)
        kind = kind_match.group(1) if kind_match else "n"
        if kind == "inlineStr":
            return _text("".join(_INLINE_TEXT_RE.findall(body)))
        value_match = _VALUE_RE.search(body)
        if value_match is None:
            return ""
        raw = value_match.group(1)
        if kind == "s":
            return self.shared[int(raw)]
        if kind == "n":
            number = float(raw)
            style = _STYLE_RE.search(attributes)
            if style is not None and int(style.group(1)) in self.date_styles:
                return self._date(number)
            return number
        if kind == "b":
            return raw == "1"
        return _text(raw)  # str (formula text), e (error)


def _text(value: str) -> str:
    return html.unescape(value) if "&" in value else value
