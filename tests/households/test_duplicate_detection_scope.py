"""Duplicate detection stays within what both records' area and the reviewer may see (security
probe L4): pairs are filed under the lowest area containing both records, never across
provinces, and the review pages show nothing of a record outside the reviewer's areas."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households import selectors, services
from households.models import DuplicateCandidate
from ppaos.areas.models import Area, AreaLevel
from ppaos.thai.thai_id import format_national_id, mask_national_id
from tests.factories import RegistrantFactory, household_with_head, make_national_id

pytestmark = pytest.mark.django_db

BORN = datetime.date(1958, 7, 7)
NAME = {"first_name": "บุญเรือน", "last_name": "ทองมา"}


def _add_twin(facilitator, n=1, area_code="49010101"):
    """A member with NAME and BORN, added in `area_code` by the facilitator."""
    services.add_member(
        actor=facilitator,
        household=household_with_head(area_code),
        person={"national_id": make_national_id(n), **NAME, "birth_date": BORN},
        relation="child",
    )


def _other_province_village():
    village, _ = Area.objects.get_or_create(
        code="48010101",
        defaults={"level": AreaLevel.VILLAGE, "parent_id": "480101", "name_th": "บ้านอื่น"},
    )
    return village


def test_no_pair_with_a_person_or_registry_row_of_another_province(facilitator):
    _other_province_village()
    household_with_head("48010101", **NAME, birth_date=BORN)
    RegistrantFactory(area_id="48010101", **NAME, birth_date=BORN)
    _add_twin(facilitator, 2)
    assert not DuplicateCandidate.objects.exists()


def test_a_pair_across_districts_goes_to_the_provincial_officer_only(
    facilitator, area_manager, provincial_officer
):
    household_with_head("49020101", **NAME, birth_date=BORN)
    RegistrantFactory(area_id="49020101", **NAME, birth_date=BORN)
    _add_twin(facilitator, 3)
    assert set(DuplicateCandidate.objects.values_list("area_id", flat=True)) == {"49"}
    assert not selectors.duplicates_visible_to(area_manager).exists()
    assert selectors.duplicates_visible_to(provincial_officer).count() == 2


def test_a_pair_within_the_district_goes_to_its_area_manager(facilitator, area_manager):
    RegistrantFactory(area_id="49010201", **NAME, birth_date=BORN)
    _add_twin(facilitator, 4)
    candidate = DuplicateCandidate.objects.get()
    assert candidate.area_id == "4901"
    assert list(selectors.duplicates_visible_to(area_manager)) == [candidate]


def test_a_subdistrict_manager_does_not_see_a_pair_reaching_outside_it(facilitator, villages):
    from ppaos.accounts.models import Role
    from tests.factories import UserFactory, assign

    subdistrict_manager = assign(UserFactory(username="mgr_490101"), Role.AREA_MANAGER, "490101")
    RegistrantFactory(area_id="49010201", **NAME, birth_date=BORN)
    _add_twin(facilitator, 5)
    assert not selectors.duplicates_visible_to(subdistrict_manager).exists()


def test_the_review_shows_nothing_of_a_record_outside_the_reviewers_areas(
    client, area_manager, villages
):
    """A pair filed before this rule under the 4901 district with its other record in 4902."""
    mine = household_with_head("49010101", **NAME, birth_date=BORN).memberships.get().person
    elsewhere = household_with_head(
        "49020101", title="นาย", first_name="ลับ", last_name="ฆฌญฎ", birth_date=BORN
    )
    other = elsewhere.memberships.get().person
    registrant = RegistrantFactory(
        area_id="49020101", title="นาง", first_name="ลับ", last_name="ฏฐฑฒ", birth_date=BORN
    )
    pairs = [
        DuplicateCandidate.objects.create(person=mine, other_person=other, area_id="4901"),
        DuplicateCandidate.objects.create(person=mine, other_registrant=registrant, area_id="4901"),
    ]
    client.force_login(area_manager)
    queue = client.get(reverse("households:duplicate_queue")).content.decode()
    pages = [
        client.get(reverse("households:duplicate_review", args=[p.public_id])).content.decode()
        for p in pairs
    ]
    for body in [queue, *pages]:
        assert "ฆฌญฎ" not in body and "ฏฐฑฒ" not in body
    for body, record in zip(pages, (other, registrant), strict=True):
        assert mask_national_id(record.national_id) not in body
        assert format_national_id(record.national_id) not in body
        assert "1958" not in body.split('data-testid="duplicate-other"')[1].split("</dd>")[0]
    # The reviewer's own person is shown in full.
    assert format_national_id(mine.national_id) in pages[0]


def test_the_duplicate_search_is_scoped_by_the_area_code_prefix(facilitator):
    with CaptureQueriesContext(connection) as queries:
        _add_twin(facilitator, 6)
    searches = [
        q["sql"]
        for q in queries.captured_queries
        if "birth_date" in q["sql"] and q["sql"].lstrip().startswith("SELECT")
    ]
    registrant_search = [sql for sql in searches if "households_welfareregistrant" in sql]
    person_search = [sql for sql in searches if "households_membership" in sql]
    assert registrant_search and "LIKE '49%'" in registrant_search[0]
    assert person_search and any("LIKE '49%'" in sql for sql in person_search)
