import datetime as dt
import zipfile

import pytest
import python_calamine
from openpyxl import Workbook

from ppaos.imports.readers import SpreadsheetError, open_table
from ppaos.imports.xlsx_stream import XlsxStream


def calamine_rows(path):
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)


def comparable(cells):
    """calamine gives date for a midnight date cell, the stream a datetime: the same value."""
    out = [c.date() if isinstance(c, dt.datetime) and c.time() == dt.time() else c for c in cells]
    while out and out[-1] == "":
        out.pop()
    return out


def test_the_stream_reads_what_python_calamine_reads(tmp_path):
    workbook = Workbook()  # the normal writer: shared strings, styles, formulas
    sheet = workbook.active
    sheet.append(["ทะเบียน & รายชื่อ"])
    sheet.append([])
    sheet.append(["เลขประจำตัวประชาชน", "ชื่อ", "วันเกิด", "รายได้", "ผ่าน", "สูตร"])
    sheet.append(["1101700207030", "สมชาย <ใจดี>", dt.date(1987, 12, 25), 12000.5, True, "=1+1"])
    sheet.append([1101700207030, None, dt.datetime(2530, 12, 25), 0, False, None])
    sheet["H5"] = "ไกล"  # a cell past empty ones
    path = tmp_path / "normal.xlsx"
    workbook.save(path)

    streamed = {number: comparable(cells) for number, cells in XlsxStream(str(path)).rows()}
    expected = calamine_rows(path)
    for number, cells in enumerate(expected, start=1):
        if any(c != "" for c in cells):
            if number == 4:  # calamine shows a formula's cached value; openpyxl stores none
                cells = cells[:5]
                streamed[4] = streamed[4][:5]
            assert streamed[number] == comparable(cells), number
    assert 2 not in streamed


def test_rows_stream_with_little_memory_and_estimate_their_count(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for n in range(5000):
        sheet.append([n, f"ชื่อ{n}", dt.date(2000, 1, 1)])
    path = tmp_path / "many.xlsx"
    workbook.save(path)
    stream = XlsxStream(str(path))
    assert 4000 < stream.estimated_rows < 6000
    rows = stream.rows()
    assert next(rows) == (1, [0.0, "ชื่อ0", dt.datetime(2000, 1, 1)])
    assert sum(1 for _ in rows) == 4999


def test_a_damaged_sheet_fails_as_truncated_while_streaming(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for n in range(20000):
        sheet.append([n, f"ชื่อ{n}"])
    good = tmp_path / "good.xlsx"
    workbook.save(good)
    damaged = tmp_path / "damaged.xlsx"
    # Keep the zip directory valid but break the compressed sheet in the middle.
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + info.compress_size // 2, start + info.compress_size // 2 + 64):
        raw[offset] ^= 0xFF
    damaged.write_bytes(bytes(raw))
    with pytest.raises(SpreadsheetError) as info:
        for _ in open_table(damaged).rows():
            pass
    assert info.value.code == "truncated"
