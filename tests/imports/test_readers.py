import pytest

from ppaos.imports.readers import SpreadsheetError, detect_encoding, open_table
from tests.imports.files import THAI_HEADERS, good_row, write_csv, write_xlsx


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874", "tis-620"])
def test_csv_in_every_thai_encoding_reads_the_same(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", [good_row(1), good_row(2)], encoding=encoding)
    rows = list(open_table(path).rows())
    assert rows[0][1] == THAI_HEADERS
    assert rows[1][1][3] == "สมชาย1"
    assert rows[2][0] == 3


def test_encoding_detection():
    assert detect_encoding("ชื่อ".encode("utf-8-sig")) == "utf-8-sig"
    assert detect_encoding("ชื่อ".encode()) == "utf-8"
    assert detect_encoding("ชื่อ".encode("cp874")) == "cp874"
    assert detect_encoding("ชื่อ".encode()[:-1]) == "utf-8"  # cut in the middle of a character


def test_xlsx_rows_keep_their_spreadsheet_row_numbers(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [good_row(1)], title_rows=["ทะเบียน", ""])
    rows = list(open_table(path).rows())
    assert rows[2] == (3, THAI_HEADERS)
    assert rows[3][0] == 4


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b"%PDF-1.7 not a sheet", "not_spreadsheet"),
        (b"\x89PNG\r\n\x1a\n....", "not_spreadsheet"),
        (b"PK\x03\x04" + b"\x00" * 100, "truncated"),
    ],
)
def test_files_that_are_not_spreadsheets_fail_clearly(tmp_path, content, code):
    path = tmp_path / "f.xlsx"
    path.write_bytes(content)
    with pytest.raises(SpreadsheetError) as info:
        open_table(path)
    assert info.value.code == code
    assert info.value.message_th and info.value.message_en


def test_a_truncated_xlsx_fails_as_truncated(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [good_row(i) for i in range(50)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SpreadsheetError) as info:
        open_table(path)
    assert info.value.code == "truncated"


def test_a_password_protected_workbook_is_recognised(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(encrypted_office_file())
    with pytest.raises(SpreadsheetError) as info:
        open_table(path)
    assert info.value.code == "password_protected"
    assert "รหัสผ่าน" in info.value.message_th


def encrypted_office_file() -> bytes:
    """A minimal OLE compound file holding the EncryptionInfo/EncryptedPackage streams that
    Excel writes for a password-protected workbook (the content is never decrypted)."""
    sector = 512
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[0x18:0x1A] = (0x3E).to_bytes(2, "little")
    header[0x1A:0x1C] = (3).to_bytes(2, "little")
    header[0x1C:0x1E] = (0xFFFE).to_bytes(2, "little")
    header[0x1E:0x20] = (9).to_bytes(2, "little")
    header[0x20:0x22] = (6).to_bytes(2, "little")
    header[0x2C:0x30] = (1).to_bytes(4, "little")  # one FAT sector
    header[0x30:0x34] = (1).to_bytes(4, "little")  # directory starts at sector 1
    header[0x38:0x3C] = (4096).to_bytes(4, "little")
    header[0x3C:0x40] = (0xFFFFFFFE).to_bytes(4, "little")
    header[0x44:0x48] = (0xFFFFFFFE).to_bytes(4, "little")
    header[0x4C:0x50] = (0).to_bytes(4, "little")  # FAT in sector 0
    for i in range(1, 109):
        header[0x4C + 4 * i : 0x50 + 4 * i] = (0xFFFFFFFF).to_bytes(4, "little")
    fat = bytearray(b"\xff" * sector)
    fat[0:4] = (0xFFFFFFFD).to_bytes(4, "little")
    fat[4:8] = (0xFFFFFFFE).to_bytes(4, "little")
    directory = bytearray()
    for name, kind in (("Root Entry", 5), ("EncryptionInfo", 2), ("EncryptedPackage", 2)):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(encoded)] = encoded
        entry[0x40:0x42] = len(encoded).to_bytes(2, "little")
        entry[0x42] = kind
        entry[0x44:0x50] = b"\xff" * 12
        directory += entry
    directory += b"\x00" * (sector - len(directory))
    return bytes(header + fat + directory)


def test_the_reader_streams_rows(tmp_path):
    path = write_csv(tmp_path / "r.csv", [good_row(i) for i in range(1, 1001)])
    table = open_table(path)
    rows = table.rows()
    assert next(rows)[1] == THAI_HEADERS  # a generator, not a list
    assert table.estimated_rows == 1001
    assert sum(1 for _ in rows) == 1000
