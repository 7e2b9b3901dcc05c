"""Texts written in COPY's text format (ppaos.core.copy_rows.escape, used by every COPY of the
project) come back from PostgreSQL exactly as they were, special characters or not."""

import pytest
from django.db import connection

from ppaos.core.copy_rows import copy_text, escape
from ppaos.imports import copy_staging

pytestmark = pytest.mark.django_db

TEXTS = [
    "",
    "สมชาย ใจดี",
    "บ้านเลขที่ 12/3",
    "a\\b",
    "tab\there",
    "line\nbreak",
    "cr\rhere",
    "\\N",  # not NULL: a backslash and an N
    '{"ชื่อ": "ก\\"ข", "n": 1}',
    "ทั้งหมด \\ \t \n \r ในข้อความเดียว" * 40,
]


def test_every_text_comes_back_from_copy_as_it_was():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE copied (n int, via_escape text, via_copy_text text)")
    lines = [f"{n}\t{escape(t)}\t{copy_text(t)}\n" for n, t in enumerate(TEXTS)]
    copy_staging.copy_lines("copied", ("n", "via_escape", "via_copy_text"), lines)
    with connection.cursor() as cursor:
        cursor.execute("SELECT via_escape, via_copy_text FROM copied ORDER BY n")
        assert cursor.fetchall() == [(t, t) for t in TEXTS]


def test_a_text_without_special_characters_is_returned_unchanged():
    text = "ผ่าน" * 200
    assert escape(text) is text
    assert copy_staging.text(None) == "\\N"
