"""Reading uploaded spreadsheets row by row: xlsx (streamed, xlsx_stream.py), xls and other
workbook formats (python-calamine), and csv.

Pure Python (no Django). The file type is decided by its content, not its name. Problems with the
file as a whole raise `SpreadsheetError` with a code and a Thai and an English message; the job
fails and writes nothing.

CSV text: UTF-8 (with or without BOM) or TIS-620 / cp874, the encoding of old Thai exports
(cp874 is a superset of TIS-620). The delimiter is sniffed among , ; tab and |.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .xlsx_stream import XlsxError, XlsxStream

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


@dataclass
class Table:
    """Rows of the first sheet: `rows()` yields (1-based row number, cells)."""

    kind: str  # "xlsx" | "xls" | "csv"
    estimated_rows: int
    _rows: Iterator[tuple[int, list]] = field(repr=False)
    encoding: str = ""

    def rows(self) -> Iterator[tuple[int, list]]:
        return self._rows


def open_table(path: str | Path) -> Table:
    """Open a spreadsheet for streaming. Raises SpreadsheetError for files that cannot be read."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise SpreadsheetError("empty")
    with open(path, "rb") as handle:
        head = handle.read(_SAMPLE)
    if head.startswith(_ZIP_MAGIC):
        if not zipfile.is_zipfile(path):
            raise SpreadsheetError("truncated")
        try:
            return _open_xlsx_stream(path)
        except XlsxError:
            # Not the usual layout (e.g. Strict OOXML, .ods): python-calamine reads it whole.
            return _open_workbook(path, "xlsx")
    if head.startswith(b"PK"):
        raise SpreadsheetError("truncated")
    if head.startswith(_OLE_MAGIC):
        if _has_encryption_streams(path):
            raise SpreadsheetError("password_protected")
        return _open_workbook(path, "xls")
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


def _open_xlsx_stream(path: Path) -> Table:
    stream = XlsxStream(str(path))

    def rows() -> Iterator[tuple[int, list]]:
        try:
            yield from stream.rows()
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
                yield first_row + offset, cells
        finally:
            workbook.close()

    return Table(kind=kind, estimated_rows=sheet.height, _rows=rows())


def detect_encoding(head: bytes) -> str:
    """utf-8-sig with a BOM; utf-8 when the sample decodes; otherwise cp874 (TIS-620)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the sample's end is fine
    except UnicodeDecodeError:
        return "cp874"
    return "utf-8"


def _open_csv(path: Path, head: bytes, size: int) -> Table:
    encoding = detect_encoding(head)
    sample_text = head[:65536].decode(encoding, errors="ignore")
    if not sample_text.strip():
        raise SpreadsheetError("empty")
    try:
        dialect = csv.Sniffer().sniff(sample_text[:16384], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    # Estimated from the line count; counted in a fast pass over bytes (no decoding).
    lines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_SAMPLE):
            lines += chunk.count(b"\n")

    def rows() -> Iterator[tuple[int, list]]:
        # errors="replace": one odd byte in a name should give a row the admin can see and fix,
        # not a failed file.
        with open(path, encoding=encoding, errors="replace", newline="") as text:
            reader = csv.reader(text, delimiter=delimiter)
            try:
                for cells in reader:
                    yield reader.line_num, cells
            except csv.Error:
                raise SpreadsheetError("truncated") from None

    return Table(kind="csv", estimated_rows=max(lines, 1), _rows=rows(), encoding=encoding)


def sniff_upload(first_bytes: bytes) -> bool:
    """Whether the start of an upload could be a spreadsheet (used before storing it)."""
    if not first_bytes:
        return False
    if first_bytes.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        return True
    return not first_bytes.startswith(_BINARY_MAGICS) and b"\x00" not in first_bytes[:8192]


__all__ = ["FILE_MESSAGES", "SpreadsheetError", "Table", "detect_encoding", "open_table"]
