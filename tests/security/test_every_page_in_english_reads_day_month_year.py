"""The same walk as test_every_page_shows_be_dates.py (every page of a small world, as each
role, from the home page and every GET page of the access matrix), in English: every date reads
"1 Dec 2026" (Christian era, day, month abbreviation, year), never US order ("12/01/2026",
"Dec. 1, 2026"), never ISO ("2026-12-01") in the text, never a Buddhist-era year or a Thai month;
date boxes hold day/month/year in the Christian era; no amount in exponent form."""

import re

import pytest
from django.db import transaction
from django.test import Client

from . import test_every_page_shows_be_dates as thai_walk

pytestmark = pytest.mark.django_db

rich_world = thai_walk.rich_world  # the walk's world (module scope: built once here too)

MONTHS = thai_walk.ENGLISH_MONTHS
WRONG = {
    "slash date": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "ISO date": re.compile(r"\b\d{4}-\d\d-\d\d\b"),
    "month first": re.compile(rf"\b(?:{MONTHS})[a-z]*\.?\s+\d{{1,2}},?\s+\d{{4}}\b"),
    "Buddhist-era year": re.compile(rf"\b\d{{1,2}}\s+(?:{MONTHS})[a-z]*\.?\s+2[4-9]\d\d\b"),
    "Thai month": re.compile(rf"\b\d{{1,2}}\s*(?:{thai_walk.THAI_MONTHS})\s*\d{{4}}"),
    "full month name": re.compile(
        r"\b\d{1,2}\s+(?:January|February|March|April|June|July|August|September|October"
        r"|November|December)\s+\d{4}\b"
    ),
}
GOOD_DATE = re.compile(rf"\b\d{{1,2}} (?:{MONTHS}) 20\d\d\b")
# A date box in English: dd/mm/yyyy, Christian era (its placeholder says "dd/mm/yyyy").
INPUT_DATE = re.compile(r"^(\d\d)/(\d\d)/(\d{4})$")


def problems(url: str, html: str) -> list[str]:
    found = []
    text = thai_walk.visible_text(html)
    for name, pattern in WRONG.items():
        for match in pattern.finditer(text):
            found.append(f"{url}: {name} {match.group(0)!r}")
    values = thai_walk.INPUT_VALUE.findall(html)
    for value in values:
        boxed = INPUT_DATE.match(value)
        if boxed and (int(boxed.group(3)) >= 2400 or int(boxed.group(2)) > 12):
            found.append(f"{url}: date box not dd/mm/yyyy CE {value!r}")
        elif not boxed and any(p.search(value) for p in WRONG.values()):
            found.append(f"{url}: date in an input {value!r}")
    for match in thai_walk.EXPONENT.finditer(text + " ".join(values)):
        found.append(f"{url}: exponent {match.group(0)!r}")
    return found


def _walk(world, role, settings) -> dict[str, str]:
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with transaction.atomic():
        bodies = thai_walk.walk(client, ["/", *thai_walk.matrix_urls(world)])
        transaction.set_rollback(True)
    return bodies


@pytest.mark.parametrize("role", thai_walk.ROLES)
def test_no_english_page_shows_another_date_format_or_an_exponent(rich_world, role, settings):
    bodies = _walk(rich_world, role, settings)
    assert len(bodies) > 3, f"{role} reached too few pages: {sorted(bodies)}"
    not_english = [url for url, html in bodies.items() if '<html lang="th"' in html]
    assert not not_english, not_english
    found = [p for url, html in bodies.items() for p in problems(url, html)]
    assert not found, "\n".join(found[:30])


def test_the_english_walk_sees_dates_and_amounts(rich_world, settings):
    bodies = _walk(rich_world, "area_manager", settings)
    text = " ".join(thai_walk.visible_text(b) for b in bodies.values())
    assert GOOD_DATE.search(text)
    assert re.search(r"\d{1,3},\d{3}", text)


def test_the_english_detector_catches_the_three_formats_the_issue_reported():
    assert problems("/x", "<td>12/01/2026</td>")
    assert problems("/x", "<td>2026-12-01</td>")
    assert problems("/x", "<td>Dec. 1, 2026</td>")
    assert problems("/x", "<td>1 Dec 2569</td>")
    assert problems("/x", "<td>1 ธ.ค. 2569</td>")
    assert problems("/x", '<input name="d" value="01/12/2569">')
    assert problems("/x", '<input name="a" value="1E+3">')
    assert not problems("/x", '<p>1 Dec 2026 14:05 · 1,000 baht</p><input value="01/12/2026">')
