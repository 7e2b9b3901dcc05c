"""Reading uploaded spreadsheets row by row: xlsx (streamed, xlsx_stream.py), xls and other
workbook formats (python-calamine), and csv.

Pure Python (no Django). The file type is decided by its content, not its name. Problems with the
file as a whole raise `SpreadsheetError` with a code and a Thai and an English message; the job
fails and writes nothing.

CSV text: UTF-8 (with or without BOM), UTF-16 with a BOM, or TIS-620 / cp874, the encoding of
old Thai exports (cp874 is a superset of TIS-620). The WHOLE file must decode in one encoding:
a file mixing UTF-8 and cp874 lines, or with bytes no encoding explains, is refused with the
first bad line named (never stored as garbled names). The delimiter (, ; tab |) is the one that
splits the widest of the first lines (the header row) into the most columns, so a `;` or `|`
inside one cell does not change it.

Hostile files (limits in xlsx_stream.py: MAX_* constants): zip members are limited in inflated
size and compression ratio while they are read; rows (MAX_ROWS) and columns (MAX_COLUMNS) are
counted as they stream; XML entity declarations are refused; a cell over MAX_CELL_CHARS
characters makes its row an `OverlongRow` (the framework rejects that row, the file goes on).
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import xlsx_stream
from .xlsx_stream import OverlongRow, XlsxError, XlsxLimitError, XlsxStream, overlong

FILE_MESSAGES: dict[str, tuple[str, str]] = {
    # code: (Thai, English)
    "empty": (
        "ไฟล์ว่างเปล่า ไม่มีข้อมูลให้นำเข้า",
        "The file is empty: there are no data rows to import.",
    ),
    "not_spreadsheet": (
        "ไฟล์นี้ไม่ใช่สเปรดชีต กรุณาอัปโหลดไฟล์ .xlsx หรือ .csv",
        "This file is not a spreadsheet. Upload an .xlsx or .csv file.",
    ),
    "password_protected": (
        "ไฟล์มีรหัสผ่าน กรุณาเปิดไฟล์ใน Excel แล้วบันทึกใหม่โดยไม่ใส่รหัสผ่าน",
        "The file is password-protected. Open it in Excel and save it again without a password.",
    ),
    "truncated": (
        "ไฟล์เสียหายหรืออัปโหลดไม่ครบ กรุณาบันทึกไฟล์ใหม่แล้วอัปโหลดอีกครั้ง",
        "The file is damaged or incomplete (truncated). Save it again and re-upload it.",
    ),
    "no_header": (
        "ไม่พบแถวหัวคอลัมน์ (เช่น เลขประจำตัวประชาชน ชื่อ นามสกุล) ในแถวต้น ๆ ของไฟล์",
        "No header row (such as national ID, first name, last name) was found near the top of "
        "the file.",
    ),
    "missing_columns": (
        "ไม่พบคอลัมน์ที่จำเป็น: {columns_th} กรุณาเพิ่มคอลัมน์หรือกำหนดการจับคู่คอลัมน์",
        "Required columns are missing: {columns_en}. Add them or map the columns.",
    ),
    "too_large": (
        "ไฟล์ใหญ่เกิน {limit_mb} MB",
        "The file is larger than {limit_mb} MB.",
    ),
    "zip_bomb": (
        "ไฟล์ถูกบีบอัดผิดปกติ (ขยายแล้วใหญ่เกินขีดจำกัด) จึงไม่นำเข้า กรุณาบันทึกไฟล์ใหม่จาก Excel",
        "The file is compressed abnormally (it inflates beyond the limit, like a zip bomb), so it "
        "was not imported. Save it again from Excel.",
    ),
    "too_many_rows": (
        "ไฟล์มีเกิน {limit:,} แถว กรุณาแบ่งเป็นหลายไฟล์",
        "The file has more than {limit:,} rows. Split it into several files.",
    ),
    "too_many_columns": (
        "ไฟล์มีเกิน {limit:,} คอลัมน์ในแถวเดียว กรุณาตรวจสอบไฟล์",
        "A row of the file has more than {limit:,} columns. Check the file.",
    ),
    "xml_entities": (
        "ไฟล์มีการประกาศ entity ใน XML ซึ่งไม่อนุญาต (อาจเป็นไฟล์อันตราย) จึงไม่นำเข้า",
        "The file declares XML entities, which are not allowed (it may be hostile), so it was "
        "not imported.",
    ),
    "bad_encoding": (
        "อ่านตัวอักษรในไฟล์ไม่ได้ตั้งแต่บรรทัดที่ {line} กรุณาบันทึกเป็น CSV UTF-8 แล้วลองใหม่",
        "The characters of the file cannot be read from line {line}. Save it as CSV UTF-8 and "
        "try again.",
    ),
    "mixed_encoding": (
        "ไฟล์ใช้การเข้ารหัสตัวอักษรปนกัน (UTF-8 และ TIS-620) เริ่มที่บรรทัดที่ {line} "
        "จึงไม่นำเข้าเพื่อไม่ให้ชื่อเพี้ยน กรุณาบันทึกทั้งไฟล์เป็น CSV UTF-8",
        "The file mixes character encodings (UTF-8 and TIS-620) from line {line}; it was not "
        "imported so that no name is stored garbled. Save the whole file as CSV UTF-8.",
    ),
    "no_sheet": (
        "ไม่พบแผ่นงานชื่อ “{sheet}” ในไฟล์",
        "The file has no sheet named “{sheet}”.",
    ),
    "unreadable": (
        "อ่านไฟล์ไม่ได้ กรุณาบันทึกเป็น .xlsx หรือ .csv (UTF-8) แล้วลองใหม่",
        "The file cannot be read. Save it as .xlsx or .csv (UTF-8) and try again.",
    ),
}


class SpreadsheetError(Exception):
    """The file as a whole cannot be imported. `code` is a FILE_MESSAGES key, or an importer's
    own code with its (Thai, English) `messages`."""

    def __init__(self, code: str, *, messages: tuple[str, str] | None = None, **params) -> None:
        self.code = code
        self.params = params
        thai, english = messages or FILE_MESSAGES[code]
        self.message_th = thai.format(**params)
        self.message_en = english.format(**params)
        super().__init__(self.message_en)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"Rar!", b"7z\xbc")
_SAMPLE = 1 << 20


class MarkerRow(list):
    """A row an importer's own reader puts in the stream to mark its structure (the header of a
    second table, the end of the file): handed to the importer, never counted as a data row."""


@dataclass
class Table:
    """Rows of the first sheet: `rows()` yields (1-based row number, cells)."""

    kind: str  # "xlsx" | "xls" | "csv"
    estimated_rows: int
    _rows: Iterator[tuple[int, list]] = field(repr=False)
    encoding: str = ""

    def rows(self) -> Iterator[tuple[int, list]]:
        return self._rows


def open_table(path: str | Path, *, sheet: str | None = None) -> Table:
    """Open a spreadsheet for streaming: the first visible sheet, or the visible sheet named
    `sheet` (xlsx only). Raises SpreadsheetError for files that cannot be read."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise SpreadsheetError("empty")
    with open(path, "rb") as handle:
        head = handle.read(_SAMPLE)
    if head.startswith(_ZIP_MAGIC):
        if not zipfile.is_zipfile(path):
            raise SpreadsheetError("truncated")
        _check_zip_members(path)
        try:
            return _open_xlsx_stream(path, sheet)
        except XlsxLimitError as exc:
            raise SpreadsheetError(exc.code, **exc.params) from None
        except XlsxError:
            # Not the usual layout (e.g. Strict OOXML, .ods): python-calamine reads it whole.
            return _open_workbook(path, "xlsx")
    if head.startswith(b"PK"):
        raise SpreadsheetError("truncated")
    if head.startswith(_OLE_MAGIC):
        if _has_encryption_streams(path):
            raise SpreadsheetError("password_protected")
        return _open_workbook(path, "xls")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _open_csv(path, head, size)
    if head.startswith(_BINARY_MAGICS) or b"\x00" in head[:8192]:
        raise SpreadsheetError("not_spreadsheet")
    return _open_csv(path, head, size)


def _has_encryption_streams(path: Path) -> bool:
    """An encrypted Office file is an OLE container with EncryptionInfo/EncryptedPackage
    streams; their names sit in the directory sectors, read here in chunks."""
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(_SAMPLE):
            window = tail + chunk
            if any(marker in window for marker in _ENCRYPTED_MARKERS):
                return True
            tail = chunk[-64:]
    return False


def _check_zip_members(path: Path) -> None:
    """Refuse a package whose declared member sizes are over the limits (the streaming reader
    also counts what it really inflates: declared sizes can lie)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError("truncated") from None
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > xlsx_stream.MAX_SHEET_BYTES or (
            info.file_size > xlsx_stream.RATIO_FLOOR and ratio > xlsx_stream.MAX_RATIO
        ):
            raise SpreadsheetError("zip_bomb")
        if info.flag_bits & 0x1:
            raise SpreadsheetError("password_protected")
    if total > 2 * xlsx_stream.MAX_SHEET_BYTES:
        raise SpreadsheetError("zip_bomb")


def _open_xlsx_stream(path: Path, sheet: str | None = None) -> Table:
    stream = XlsxStream(str(path), sheet)

    def rows() -> Iterator[tuple[int, list]]:
        try:
            yield from stream.rows()
        except XlsxLimitError as exc:
            raise SpreadsheetError(exc.code, **exc.params) from None
        except (XlsxError, IndexError, ValueError):
            raise SpreadsheetError("truncated") from None
        finally:
            stream.zip.close()

    return Table(kind="xlsx", estimated_rows=stream.estimated_rows or 0, _rows=rows())


def _open_workbook(path: Path, kind: str) -> Table:
    import python_calamine as calamine

    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
        sheet = None
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            if meta.visible != calamine.SheetVisibleEnum.Visible:
                continue  # a hidden or very hidden sheet is not the data
            candidate = workbook.get_sheet_by_index(index)
            if candidate.height:
                sheet = candidate
                break
    except calamine.PasswordError:
        raise SpreadsheetError("password_protected") from None
    except (calamine.ZipError, calamine.XmlError):
        raise SpreadsheetError("truncated") from None
    except calamine.CalamineError as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise SpreadsheetError("password_protected") from None
        raise SpreadsheetError("unreadable") from None
    if sheet is None:
        raise SpreadsheetError("empty")
    first_row = (sheet.start or (0, 0))[0] + 1

    def rows() -> Iterator[tuple[int, list]]:
        try:
            for offset, cells in enumerate(sheet.iter_rows()):
                if offset >= xlsx_stream.MAX_ROWS + 1:
                    raise SpreadsheetError("too_many_rows", limit=xlsx_stream.MAX_ROWS)
                if len(cells) > xlsx_stream.MAX_COLUMNS:
                    raise SpreadsheetError("too_many_columns", limit=xlsx_stream.MAX_COLUMNS)
                yield first_row + offset, overlong(cells, xlsx_stream.MAX_CELL_CHARS)
        finally:
            workbook.close()

    return Table(kind=kind, estimated_rows=sheet.height, _rows=rows())


def detect_encoding(head: bytes) -> str:
    """From a sample: utf-8-sig with a BOM, utf-16 with its BOM; utf-8 when the sample
    decodes; otherwise cp874 (TIS-620). `check_encoding` then reads the whole file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the sample's end is fine
    except UnicodeDecodeError:
        return "cp874"
    return "utf-8"


# Two Thai letters in a row as UTF-8 bytes: in a cp874 file these bytes would be "เธ?เธ?" with
# control characters, which no Thai text has.
_UTF8_THAI = re.compile(rb"\xe0[\xb8\xb9][\x80-\xbf]\xe0[\xb8\xb9][\x80-\xbf]")


def _line_of(path: Path, offset: int) -> int:
    """The 1-based line holding byte `offset`."""
    lines, done = 1, 0
    with open(path, "rb") as handle:
        while done < offset and (chunk := handle.read(min(_SAMPLE, offset - done))):
            lines += chunk.count(b"\n")
            done += len(chunk)
    return lines


def check_encoding(path: Path, encoding: str) -> tuple[str, int]:
    """Decode the WHOLE file (one pass, in pieces); returns (encoding, line count). A UTF-8 file
    with a bad byte, a cp874 file with UTF-8 Thai in it, or bytes cp874 cannot decode raise
    SpreadsheetError naming the first bad line."""
    if encoding == "utf-16":
        lines = 0
        with open(path, encoding="utf-16", newline="") as text:
            try:
                while chunk := text.read(_SAMPLE):
                    lines += chunk.count("\n")
            except UnicodeError:
                raise SpreadsheetError("bad_encoding", line=lines + 1) from None
        return encoding, lines
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = offset = 0
    saw_thai = False  # UTF-8 Thai before a bad byte: the file mixes encodings
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(_SAMPLE)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                start = max(exc.start, 0)
                bad = _line_of(path, offset + start)
                if encoding == "cp874":
                    raise SpreadsheetError("bad_encoding", line=bad) from None
                if saw_thai or _UTF8_THAI.search(chunk, 0, start):
                    raise SpreadsheetError("mixed_encoding", line=bad) from None
                # No UTF-8 Thai before the bad byte: the file may be cp874 throughout.
                return check_encoding(path, "cp874")
            if encoding == "cp874":
                found = _UTF8_THAI.search(chunk)
                if found:
                    raise SpreadsheetError(
                        "mixed_encoding", line=_line_of(path, offset + found.start())
                    )
            elif not saw_thai and _UTF8_THAI.search(chunk):
                saw_thai = True
            if not chunk:
                return encoding, lines
            lines += chunk.count(b"\n")
            offset += len(chunk)


_DELIMITERS = (",", ";", "\t", "|")


def header_delimiter(sample_text: str) -> str:
    """The delimiter that splits the widest of the first rows (the header) into the most
    columns; ties go to the order , ; tab |. A `;` or `|` inside a cell of a data row (such
    as =HYPERLINK("a";"b")) therefore never decides it."""
    lines = sample_text.splitlines(keepends=True)[:HEADER_LINES]
    best, best_width = ",", 0
    for delimiter in _DELIMITERS:
        try:
            widths = [len(cells) for cells in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        width = max(widths, default=0)
        if width > best_width:
            best, best_width = delimiter, width
    return best


HEADER_LINES = 30
# csv's own limit is raised far above the per-cell one, so a long cell rejects its row (with a
# message) instead of failing the file as damaged.
CSV_FIELD_LIMIT = 64 << 20


def _open_csv(path: Path, head: bytes, size: int) -> Table:
    # UTF-8 first (cp874 only if UTF-8 fails before any UTF-8 Thai): see check_encoding.
    guess = detect_encoding(head)
    encoding, lines = check_encoding(path, "utf-8" if guess == "cp874" else guess)
    sample_text = head[:65536].decode(encoding, errors="ignore")
    if not sample_text.strip("\ufeff \r\n\t,;|"):
        raise SpreadsheetError("empty")
    # The last line of the sample may be cut; the header is in the first lines.
    delimiter = header_delimiter(sample_text[: sample_text.rfind("\n") + 1] or sample_text)
    if lines > xlsx_stream.MAX_ROWS + 1:
        raise SpreadsheetError("too_many_rows", limit=xlsx_stream.MAX_ROWS)
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    cell_limit, max_columns = xlsx_stream.MAX_CELL_CHARS, xlsx_stream.MAX_COLUMNS

    def rows() -> Iterator[tuple[int, list]]:
        # The whole file was decoded above; "strict" here can no longer fail.
        with open(path, encoding=encoding, newline="") as text:
            reader = csv.reader(text, delimiter=delimiter)
            try:
                for cells in reader:
                    if len(cells) > max_columns:
                        raise SpreadsheetError("too_many_columns", limit=max_columns)
                    if cells and len(max(cells, key=len)) > cell_limit:
                        cells = overlong(cells, cell_limit)
                    yield reader.line_num, cells
            except csv.Error:
                raise SpreadsheetError("truncated") from None

    return Table(kind="csv", estimated_rows=max(lines, 1), _rows=rows(), encoding=encoding)


def xlsx_sheet_titles(path: str | Path) -> list[str]:
    """The names of the visible sheets of an xlsx, in order (checked like `open_table`)."""
    path = Path(path)
    _check_zip_members(path)
    try:
        stream = XlsxStream(str(path))
    except XlsxLimitError as exc:
        raise SpreadsheetError(exc.code, **exc.params) from None
    except XlsxError:
        raise SpreadsheetError("truncated") from None
    stream.zip.close()
    return stream.sheet_titles


def check_zip_integrity(path: str | Path) -> None:
    """Inflate every member of a zip upload (an xlsx) once, through the same guard as the
    streaming reader (size and ratio limits), to its end, where zipfile checks its CRC. An
    importer that commits chunks while it reads calls this first: a damaged or truncated
    package then fails before any of its rows are written, not after. A file that is not a zip
    (csv) passes: its encoding is checked whole before reading anyway."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        return
    _check_zip_members(path)
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                with xlsx_stream._Guarded(
                    archive, info.filename, xlsx_stream.MAX_SHEET_BYTES
                ) as member:
                    while member.read(1 << 20):
                        pass
    except XlsxLimitError as exc:
        raise SpreadsheetError(exc.code, **exc.params) from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        raise SpreadsheetError("truncated") from None


def zip_member_names(path: str | Path) -> list[str]:
    """The member names of a zip upload (such as an ODK Central csv export), its declared sizes
    checked against the same limits as an xlsx's members."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise SpreadsheetError("truncated")
    _check_zip_members(path)
    with zipfile.ZipFile(path) as archive:
        return [info.filename for info in archive.infolist() if not info.is_dir()]


def extract_zip_member(path: str | Path, name: str, target: str | Path) -> Path:
    """Copy one member of a zip upload to `target`, counting what really inflates (declared
    sizes can lie): a member over the limits raises SpreadsheetError("zip_bomb")."""
    target = Path(target)
    try:
        with (
            zipfile.ZipFile(path) as archive,
            open(target, "wb") as out,
            xlsx_stream._Guarded(archive, name, xlsx_stream.MAX_SHEET_BYTES) as handle,
        ):
            while chunk := handle.read(1 << 20):
                out.write(chunk)
    except XlsxLimitError as exc:
        raise SpreadsheetError(exc.code, **exc.params) from None
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        raise SpreadsheetError("truncated") from None
    return target


def sniff_upload(first_bytes: bytes) -> bool:
    """Whether the start of an upload could be a spreadsheet (used before storing it)."""
    if not first_bytes:
        return False
    if first_bytes.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        return True
    return not first_bytes.startswith(_BINARY_MAGICS) and b"\x00" not in first_bytes[:8192]


__all__ = [
    "FILE_MESSAGES",
    "MarkerRow",
    "OverlongRow",
    "SpreadsheetError",
    "Table",
    "check_encoding",
    "detect_encoding",
    "open_table",
]
