"""Small spreadsheets for import tests, written the way real exports look."""

from pathlib import Path

from openpyxl import Workbook

from ppaos.thai.thai_id import national_id_check_digit

THAI_HEADERS = [
    "ลำดับ",
    "เลขประจำตัวประชาชน",
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "วันเกิด",
    "บ้านเลขที่",
    "หมู่ที่",
    "ตำบล",
    "อำเภอ",
    "จังหวัด",
    "รหัสไปรษณีย์",
    "รายได้ต่อปี",
]


def national_id(n: int, prefix: str = "149") -> str:
    """A valid national ID: `prefix` + n, padded to 12 digits, plus the check digit."""
    first12 = f"{prefix}{n:0{12 - len(prefix)}d}"
    return first12 + str(national_id_check_digit(first12))


def bad_checksum(nid: str) -> str:
    return nid[:12] + str((int(nid[12]) + 1) % 10)


def good_row(n: int, *, village: int = 1, subdistrict: str = "มุกดาหาร", income=30000):
    return [
        n,
        national_id(n),
        "นาย",
        f"สมชาย{n}",
        f"ใจดี{n}",
        "12/05/2520",
        f"{n}/1",
        village,
        subdistrict,
        "เมืองมุกดาหาร",
        "มุกดาหาร",
        "49000",
        income,
    ]


def write_xlsx(path: Path, rows, *, headers=THAI_HEADERS, title_rows=()) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("ทะเบียน")
    for title in title_rows:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows, *, headers=THAI_HEADERS, encoding="utf-8") -> Path:
    import csv

    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(row)
    return path
