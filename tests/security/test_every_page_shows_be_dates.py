"""A walk over every page of a small world (households, surveys verified with amounts, referrals
with due dates, imports) as each role, in Thai: from the home page, following links, plus every
GET page of the access matrix with the role's own records. No page body may show a date with a
CE year or an amount in exponent form."""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from households.surveys.services import submit_survey, verify_survey
from ppaos.imports.models import ImportJob
from tests.households.surveys.survey_helpers import fill_survey, started_survey

from .access_matrix import ANY_SIGNED_IN, NOT_SERVED_IN_TESTS, PAGES, PUBLIC
from .access_world import AREAS

THAI_MONTHS = (
    r"ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\."
)
ENGLISH_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
CE_DATE = re.compile(
    rf"\b\d{{1,2}}\s*(?:{THAI_MONTHS}|{ENGLISH_MONTHS})\w*\s*20\d\d\b"
    r"|\b\d{1,2}/\d{1,2}/20\d\d\b|\b20\d\d-\d\d-\d\d\b"
)
# A number written with an exponent standing alone, as Python writes one (Decimal "1E+3",
# "2.5E+3", float "1e-07": the exponent always has its sign), not a piece of a UUID, a hex id or a
# token ("33e6155e-…" in a link, "8e939428" in an audit label, is no amount).
EXPONENT = re.compile(r"(?<![\w-])\d+(?:\.\d+)?[Ee][+-]\d+(?![\w-])")
TAG = re.compile(r"<[^>]*>")
INPUT_VALUE = re.compile(r'<input[^>]*\bvalue="([^"]*)"')
LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"')
SKIP = ("/static/", "/admin/", "/logout", "/i18n/", "/api/", ".xlsx", "/file/", "/media/")
pytestmark = pytest.mark.django_db

MAX_PAGES = 80  # per role: the links from home and a page or two deeper


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return TAG.sub(" ", html)


def problems(url: str, html: str) -> list[str]:
    found = []
    text = visible_text(html)
    for match in CE_DATE.finditer(text):
        found.append(f"{url}: CE date {match.group(0)!r}")
    for value in INPUT_VALUE.findall(html):
        if CE_DATE.search(value):
            found.append(f"{url}: CE date in an input {value!r}")
    for match in EXPONENT.finditer(text + " ".join(INPUT_VALUE.findall(html))):
        found.append(f"{url}: exponent {match.group(0)!r}")
    return found


@pytest.fixture(scope="module")
def rich_world(world, django_db_blocker):
    """The access world plus what the walk needs to see: verified surveys with amounts, a long
    import file name."""
    with django_db_blocker.unblock():
        builder = world.users["_builder"]
        manager = world.users["area_manager"]
        village = AREAS["own_subdistrict"]
        for _ in range(2):
            survey = fill_survey(builder, started_survey(builder, village))
            survey = submit_survey(actor=builder, survey=survey)
        verify_survey(actor=manager, survey=survey)
        fill_survey(builder, started_survey(builder, village))  # a draft with its accounts
        ImportJob.objects.create(
            created_by=builder,
            kind="welfare_registry",
            original_filename="ทะเบียนผู้มีรายได้น้อย_" + "ตำบลในเมือง" * 12 + ".xlsx",
            headers=[],
        )
    return world


def matrix_urls(world) -> list[str]:
    """Every GET page of the access matrix, with the records in the user's own area."""
    urls = []
    for key, rule in PAGES.items():
        if "get" not in rule.methods or rule.see in (NOT_SERVED_IN_TESTS,) or ":" not in key:
            continue
        if key.startswith("admin:"):
            continue
        record = None
        if rule.kind:
            relation = next(
                (
                    r
                    for r in ("own_subdistrict", "own_agency", "own", "any")
                    if (rule.kind, r) in world.records
                ),
                None,
            )
            if relation is None:
                continue
            record = world.records[(rule.kind, relation)]
        try:
            urls.append(reverse(key, kwargs=_kwargs(key, record)))
        except NoReverseMatch:
            continue
    return urls


def _kwargs(key, record):
    from django.urls import get_resolver

    if record is None:
        return {}
    namespace, name = key.split(":", 1)
    resolver = get_resolver()
    for possibility in resolver.namespace_dict[namespace][1].reverse_dict.getlist(name):
        params = possibility[0][0][1]
        return {p: record.params[p] for p in params if p in record.params}
    return {}


def walk(client: Client, start: list[str]) -> dict[str, str]:
    seen, bodies, queue = set(), {}, deque(start)
    while queue and len(bodies) < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        if url in seen or any(s in url for s in SKIP) or not url.startswith("/"):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        bodies[url] = html
        for href in LINK.findall(html):
            href = href.replace("&amp;", "&")
            if href.startswith("?"):
                href = urlparse(url).path + href
            queue.append(href)
    return bodies


ROLES = ["facilitator", "area_manager", "provincial_officer", "agency_staff", "executive", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_ce_date_or_an_exponent(rich_world, role, settings):
    client = Client()
    client.force_login(rich_world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    with transaction.atomic():
        bodies = walk(client, ["/", *matrix_urls(rich_world)])
        transaction.set_rollback(True)
    assert len(bodies) > 3, f"{role} reached too few pages: {sorted(bodies)}"
    found = [p for url, html in bodies.items() for p in problems(url, html)]
    assert not found, "\n".join(found[:30])


def test_the_walk_sees_dates_and_amounts(rich_world, settings):
    """The walk is worth something: Thai BE dates and grouped amounts appear on its pages."""
    client = Client()
    client.force_login(rich_world.users["area_manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    with transaction.atomic():
        bodies = walk(client, ["/", *matrix_urls(rich_world)])
        transaction.set_rollback(True)
    text = " ".join(visible_text(b) for b in bodies.values())
    assert re.search(rf"\d{{1,2}} (?:{THAI_MONTHS}) 25\d\d", text)
    assert re.search(r"\d{1,3},\d{3}", text)


def test_the_detector_catches_what_the_issue_reported():
    assert problems("/x", "<p>1 ธ.ค. 2026</p>")
    assert problems("/x", "<td>12/01/2026</td>")
    assert problems("/x", '<input name="a" value="1E+3">')
    assert problems("/x", "<p>2.5E+3 บาท</p>")
    assert not problems("/x", "<p>1 ธ.ค. 2569 · 1,000 บาท</p>")


_ = (ANY_SIGNED_IN, PUBLIC)
