"""Search and scoped reads: national ID in every format, misspelt Thai names, work list, scope."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from households import selectors, services
from households.models import Finding
from households.search_query import QueryKind, parse_search_query
from ppaos.thai.thai_id import format_national_id
from tests.factories import PersonFactory, RegistrantFactory, household_with_head

pytestmark = pytest.mark.django_db

NID = "1101700207030"


@pytest.mark.parametrize(
    "text",
    [
        "1101700207030",
        "1-1017-00207-03-0",
        "1 1017 00207 03 0",
        "๑๑๐๑๗๐๐๒๐๗๐๓๐",
        "๑-๑๐๑๗-๐๐๒๐๗-๐๓-๐",
        "  1101700207030 ",
        "1–1017–00207–03–0",
    ],
)
def test_national_id_in_any_format_finds_registrant_and_person(facilitator, text):
    RegistrantFactory(national_id=NID)
    RegistrantFactory()
    household_with_head(national_id=NID)
    assert [r.national_id for r in selectors.search_registrants(facilitator, text=text)] == [NID]
    assert [p.national_id for p in selectors.search_persons(facilitator, text=text)] == [NID]
    households = selectors.search_households(facilitator, text=text)
    assert len(households) == 1


def test_a_wrong_check_digit_finds_nothing_and_says_why():
    query = parse_search_query("1-1017-00230-70-5")
    assert query.kind == QueryKind.INVALID_ID and query.error_code == "bad_checksum"
    assert parse_search_query("12345").error_code == "wrong_length"


def test_titles_and_spaces_are_ignored_in_names():
    assert parse_search_query("  นางสาวสมศรี   ใจดี ").value == "สมศรี ใจดี"
    assert parse_search_query("นาย").value == "นาย"


@pytest.mark.parametrize("text", ["สมสรี ใจดี", "สมศรี ใจดี", "นางสมศรี ใจดี", "สมศรี", "ใจดี"])
def test_misspelt_or_partial_thai_name_finds_the_registrant(facilitator, text):
    wanted = RegistrantFactory(first_name="สมศรี", last_name="ใจดี")
    RegistrantFactory(first_name="ประเสริฐ", last_name="วงศ์ทอง")
    RegistrantFactory(first_name="บุญมา", last_name="แสนคำ")
    results = list(selectors.search_registrants(facilitator, text=text))
    assert results[0] == wanted
    assert all(r.last_name != "วงศ์ทอง" for r in results)


def test_misspelt_name_finds_the_person_best_match_first(facilitator):
    household_with_head(first_name="สมศรี", last_name="ใจดี")
    household_with_head(first_name="สมศักดิ์", last_name="ใจงาม")
    results = list(selectors.search_persons(facilitator, text="สมสรี ใจดี"))
    assert [p.first_name for p in results][:1] == ["สมศรี"]


@pytest.mark.parametrize(
    "text",
    [
        "สมศกดิ์ ประเสริฐวงศ์",  # a dropped vowel mark
        "สมศักดิ์ ประเสริธวงศ์",  # ฐ/ธ confused
        "สมสักดิ์ ประเสริฐวงษ์",  # two letters heard wrong in a long name
        "ประเสริฐวงศ์",  # the surname alone
    ],
)
def test_a_misspelt_long_name_still_finds_the_person(facilitator, text):
    wanted = household_with_head(first_name="สมศักดิ์", last_name="ประเสริฐวงศ์")
    household_with_head(first_name="บุญมา", last_name="แสนคำ")
    results = list(selectors.search_persons(facilitator, text=text))
    assert [p.pk for p in results] == [wanted.memberships.get().person_id]


def test_a_different_name_with_one_shared_word_is_not_a_match(facilitator):
    household_with_head(first_name="สมศักดิ์", last_name="ประเสริฐวงศ์")
    assert not selectors.search_persons(facilitator, text="สมศักดิ์ แก้วมณี")


def test_search_by_house_number_and_village(facilitator):
    wanted = RegistrantFactory(area_id="49010102", house_number="45/2")
    RegistrantFactory(area_id="49010101", house_number="45/2")
    results = selectors.search_registrants(facilitator, village="49010102", house_number="45/2")
    assert list(results) == [wanted]
    household = household_with_head(area_code="49010102")
    household.house_number = "45/2"
    household.save()
    found = selectors.search_households(facilitator, village="49010102", house_number=" 45/2 ")
    assert list(found) == [household]


def test_search_never_crosses_the_area(neighbour_facilitator):
    RegistrantFactory(national_id=NID, area_id="49010101")
    household_with_head(national_id=NID)
    assert not selectors.search_registrants(neighbour_facilitator, text=NID)
    assert not selectors.search_persons(neighbour_facilitator, text=NID)


def test_no_assignment_finds_nothing(no_role_user):
    RegistrantFactory(national_id=NID)
    household_with_head(national_id=NID)
    assert not selectors.search_registrants(no_role_user, text=NID)
    assert not selectors.search_persons(no_role_user, text=NID)
    assert not selectors.households_visible_to(no_role_user).exists()
    assert not selectors.registrant_worklist(no_role_user).exists()


def test_an_empty_search_lists_nothing(facilitator):
    RegistrantFactory()
    assert not selectors.search_registrants(facilitator, text="   ")


def test_worklist_holds_unreviewed_registrants_of_the_area(facilitator):
    reviewed = RegistrantFactory()
    waiting = RegistrantFactory(area_id="49010102")
    RegistrantFactory(area_id="49010201")  # another subdistrict
    services.record_registrant_finding(
        actor=facilitator, registrant=reviewed, finding=Finding.NOT_FOUND, note="ไม่มีใครรู้จัก"
    )
    assert list(selectors.registrant_worklist(facilitator)) == [waiting]


def test_a_person_who_moved_away_is_visible_where_they_live_now(
    facilitator, neighbour_facilitator, area_manager
):
    first = household_with_head(area_code="49010101")
    person = PersonFactory()
    member = services.add_member(
        actor=facilitator,
        household=first,
        person={"national_id": person.national_id},
        relation="child",
    )
    assert person in selectors.persons_visible_to(facilitator)
    services.move_member_out(actor=facilitator, membership=member)
    # Living nowhere now: visible where they lived.
    assert person in selectors.persons_visible_to(facilitator)
    assert person not in selectors.persons_visible_to(neighbour_facilitator)
    second = household_with_head(area_code="49010201")
    # The neighbour may not take in another area's person (a transfer request instead); the
    # area manager of both subdistricts may.
    with pytest.raises(ValidationError):
        services.add_member(
            actor=neighbour_facilitator,
            household=second,
            person={"national_id": person.national_id},
            relation="spouse",
        )
    services.add_member(
        actor=area_manager,
        household=second,
        person={"national_id": person.national_id},
        relation="spouse",
    )
    assert person not in selectors.persons_visible_to(facilitator)
    assert person in selectors.persons_visible_to(neighbour_facilitator)


def test_connections_use_the_name_search_thresholds():
    from django.db import connection

    from households.trigram_settings import SIMILARITY_THRESHOLD, WORD_SIMILARITY_THRESHOLD

    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity('a', 'a')")  # loads pg_trgm in this session
        cursor.execute("SHOW pg_trgm.similarity_threshold")
        assert float(cursor.fetchone()[0]) == SIMILARITY_THRESHOLD == 0.5
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert float(cursor.fetchone()[0]) == WORD_SIMILARITY_THRESHOLD


def test_person_api_search_finds_by_national_id_in_any_format(facilitator):
    person = household_with_head("49010101").memberships.get().person
    household_with_head("49010101")
    api = APIClient()
    api.force_authenticate(facilitator)

    dashed = format_national_id(person.national_id)
    rows = api.get("/api/v1/persons/", {"q": dashed}).json()["results"]

    assert [r["id"] for r in rows] == [str(person.public_id)]
