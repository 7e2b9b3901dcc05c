"""What the 200s hold: no page or API answer shows the name of a person outside the caller's
scope. The access matrix checks the statuses; this reads the bodies of every list page and of
the name searches (pages and API), searching for every person of the world by name.

Every person of the world has a last name that says where they live (`access_world.surname`),
so a leak is a name in the body whose village the user may not see.
"""

import pytest
from django.test import Client
from django.urls import reverse

from ppaos.accounts.policy import Action as A

from .access_matrix import ADMIN_SITE, NOT_SERVED_IN_TESTS, PAGES, PUBLIC
from .access_world import AREAS, USERS, surname
from .test_access_matrix import _prefixes

pytestmark = pytest.mark.django_db

SIGNED_IN = [key for key, spec in USERS.items() if spec is not None]
LIST_PAGES = sorted(
    key
    for key, rule in PAGES.items()
    if rule.kind is None
    and "get" in rule.methods
    and rule.see not in (PUBLIC, ADMIN_SITE, NOT_SERVED_IN_TESTS)
)
PEOPLE = [
    (village, surname(role, village))
    for village in AREAS.values()
    for role in ("head", "lead", "surveyed", "duplicate", "moved")
]
OWN_AGENCY_HEAD = surname("head", AREAS["own_subdistrict"])  # the agency's referral's contact


def _may_see(user_key, village, name) -> bool:
    if USERS[user_key][0] == "agency_staff":  # the agency sees its referrals' contacts only
        return name == OWN_AGENCY_HEAD
    return any(village.startswith(p) for p in _prefixes(user_key, A.VIEW_HOUSEHOLD))


def _leaks(user_key, body: str) -> list[str]:
    return [n for village, n in PEOPLE if n in body and not _may_see(user_key, village, n)]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _body(response) -> str:
    """The page's text, or every cell of a spreadsheet download (a zip that cannot be read as
    text)."""
    if response.get("Content-Type", "").startswith(XLSX):
        import io

        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return response.content.decode()


def _client(world, user_key):
    client = Client()
    client.force_login(world.users[user_key])
    return client


@pytest.mark.parametrize("user_key", SIGNED_IN)
@pytest.mark.parametrize("page", LIST_PAGES)
def test_list_pages_show_no_name_outside_the_scope(world, page, user_key):
    response = _client(world, user_key).get(reverse(page))
    assert _leaks(user_key, _body(response)) == []


SEARCHES = [
    ("households:search", "q"),
    ("/api/v1/persons/", "q"),
    ("/api/v1/registrants/", "q"),
    ("/api/v1/households/", "house_number"),  # not a name search: the body must stay clean too
]


@pytest.mark.parametrize("user_key", SIGNED_IN)
@pytest.mark.parametrize(("url", "parameter"), SEARCHES)
def test_searching_a_name_outside_the_scope_finds_nobody(world, url, parameter, user_key):
    client = _client(world, user_key)
    path = url if url.startswith("/") else reverse(url)
    leaked = []
    for _, name in PEOPLE:
        body = client.get(path, {parameter: name}).content.decode()
        # The search box shows what was typed: that is not a finding.
        body = body.replace(f'value="{name}"', "")
        leaked += _leaks(user_key, body)
    assert leaked == []


@pytest.mark.parametrize("user_key", ["facilitator", "area_manager", "provincial_officer"])
def test_a_name_search_finds_the_people_in_scope(world, user_key):
    """The leak checks above would pass on empty pages: the searches do find what is allowed."""
    client = _client(world, user_key)
    own = surname("head", AREAS["own_subdistrict"])
    assert own in client.get(reverse("households:search"), {"q": own}).content.decode()
    assert own in client.get("/api/v1/persons/", {"q": own}).content.decode()
