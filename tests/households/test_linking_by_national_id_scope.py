"""Linking a known person by national ID only inside the caller's areas (security probe L2, L3).

A national ID whose person belongs to another area (living in a household there, or living
nowhere now and last there) links nothing, creates nothing and gets one neutral answer that says
nothing of the other record: the same status and body for both cases, on pages and the API.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from households import services
from households.models import Household, Membership, Person, PersonTransferRequest
from ppaos.areas.models import Area
from tests.factories import household_with_head, make_national_id

pytestmark = pytest.mark.django_db

BORN = datetime.date(1961, 4, 2)
NEUTRAL_EN = (
    "This national ID cannot be used here. A request to move the record has been sent; "
    "ask your area manager."
)


def _person_living_in(area_code, n):
    household = household_with_head(
        area_code,
        national_id=make_national_id(n),
        first_name="ประยูร",
        last_name="ลับเฉพาะ",
        birth_date=BORN,
        sex="male",
    )
    return household.memberships.get().person


def _person_living_nowhere_last_in(area_code, n):
    person = _person_living_in(area_code, n)
    Membership.objects.filter(person=person).update(left_on=datetime.date(2025, 1, 1))
    return person


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _member_body(person, relation="relative"):
    return {
        "person": {"national_id": person.national_id, "first_name": "ก", "last_name": "ข"},
        "relation": relation,
    }


# --- services ----------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [_person_living_in, _person_living_nowhere_last_in])
def test_add_member_refuses_a_person_of_another_area_with_the_neutral_answer(facilitator, make):
    other = make("49020101", 1)
    household = household_with_head("49010101")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.add_member(
            actor=facilitator,
            household=household,
            person={"national_id": other.national_id, "first_name": "ก", "last_name": "ข"},
            relation="relative",
        )
    assert refused.value.message_dict == {"national_id": [NEUTRAL_EN]}
    assert not Membership.objects.filter(household=household, person=other).exists()
    # The record stays in its own area.
    assert Membership.objects.filter(person=other).get().household.area_id == "49020101"


@pytest.mark.parametrize("make", [_person_living_in, _person_living_nowhere_last_in])
def test_create_household_refuses_a_head_of_another_area_and_creates_nothing(facilitator, make):
    other = make("49020101", 2)
    before = Household.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.create_household(
            actor=facilitator,
            area=Area.objects.get(code="49010101"),
            head={"national_id": other.national_id, "first_name": "ก", "last_name": "ข"},
            house_number="9/9",
        )
    assert refused.value.message_dict == {"national_id": [NEUTRAL_EN]}
    assert Household.objects.count() == before
    assert Person.objects.get(pk=other.pk).first_name == "ประยูร"  # untouched


def test_a_person_who_lived_here_once_but_last_elsewhere_is_not_linked(facilitator):
    """Their record is the last area's (where masking and audit already place it)."""
    person = _person_living_in("49010101", 3)
    Membership.objects.filter(person=person).update(left_on=datetime.date(2024, 1, 1))
    Membership.objects.create(
        household=household_with_head("49020101"),
        person=person,
        relation="relative",
        joined_on=datetime.date(2024, 1, 1),
        left_on=datetime.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.add_member(
            actor=facilitator,
            household=household_with_head("49010101"),
            person={"national_id": person.national_id},
            relation="relative",
        )


def test_a_person_of_the_callers_own_area_living_nowhere_is_still_linked(facilitator):
    person = _person_living_nowhere_last_in("49010102", 4)
    household = household_with_head("49010101")
    membership = services.add_member(
        actor=facilitator,
        household=household,
        person={"national_id": person.national_id},
        relation="relative",
    )
    assert membership.person == person
    assert not PersonTransferRequest.objects.exists()


def test_a_manager_covering_both_areas_links_directly(area_manager):
    person = _person_living_nowhere_last_in("49010201", 5)  # 490102, inside district 4901
    household = household_with_head("49010101")
    membership = services.add_member(
        actor=area_manager,
        household=household,
        person={"national_id": person.national_id},
        relation="relative",
    )
    assert membership.person == person


# --- API: the same status and body for both other-area cases ----------------------------------


def test_api_add_member_answers_the_same_for_both_other_area_cases(facilitator):
    living = _person_living_in("49020101", 11)
    nowhere = _person_living_nowhere_last_in("49020101", 12)
    household = household_with_head("49010101")
    url = f"/api/v1/households/{household.public_id}/members/"
    client = _api(facilitator)
    answers = [
        client.post(url, _member_body(person), format="json", HTTP_ACCEPT_LANGUAGE="en")
        for person in (living, nowhere)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json() == {"national_id": [NEUTRAL_EN]}
    for answer in answers:
        body = answer.content.decode()
        assert "ประยูร" not in body and "ลับเฉพาะ" not in body and "1961" not in body
    assert Membership.objects.filter(household=household).count() == 1


def test_api_own_area_cases_differ_from_the_neutral_answer(facilitator):
    """What the facilitator gets inside their own areas: the usual answers."""
    living = _person_living_in("49010102", 13)
    nowhere = _person_living_nowhere_last_in("49010102", 14)
    household = household_with_head("49010101")
    url = f"/api/v1/households/{household.public_id}/members/"
    client = _api(facilitator)
    lives = client.post(url, _member_body(living), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert lives.status_code == 400
    assert lives.json() == {
        "national_id": [
            "This person already lives in another household. Move them out of it first."
        ]
    }
    linked = client.post(url, _member_body(nowhere), format="json")
    assert linked.status_code == 201


def test_api_create_household_with_another_areas_head_answers_400_neutrally(facilitator):
    living = _person_living_in("49020101", 15)
    nowhere = _person_living_nowhere_last_in("49020101", 16)
    client = _api(facilitator)
    before = Household.objects.count()
    answers = [
        client.post(
            "/api/v1/households/",
            {
                "area": "49010101",
                "head": {"national_id": person.national_id, "first_name": "ก", "last_name": "ข"},
            },
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        for person in (living, nowhere)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json() == {"national_id": [NEUTRAL_EN]}
    assert Household.objects.count() == before


def test_the_other_areas_facilitator_still_sees_their_person(facilitator):
    other_facilitator = _other_area_facilitator()
    nowhere = _person_living_nowhere_last_in("49020101", 17)
    household = household_with_head("49010101")
    _api(facilitator).post(
        f"/api/v1/households/{household.public_id}/members/", _member_body(nowhere), format="json"
    )
    assert _api(other_facilitator).get(f"/api/v1/persons/{nowhere.public_id}/").status_code == 200
    assert _api(facilitator).get(f"/api/v1/persons/{nowhere.public_id}/").status_code == 404


def _other_area_facilitator():
    from ppaos.accounts.models import Role
    from tests.factories import UserFactory, assign

    return assign(UserFactory(username="fac_490201"), Role.FACILITATOR, "490201")


# --- pages -------------------------------------------------------------------------------------


def _post_page(client, user, url, data):
    client.force_login(user)
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


def test_member_page_answers_the_same_for_both_other_area_cases(client, facilitator):
    living = _person_living_in("49020101", 21)
    nowhere = _person_living_nowhere_last_in("49020101", 22)
    household = household_with_head("49010101")
    url = reverse("households:member_add", args=[household.public_id])
    answers = []
    for person in (living, nowhere):
        data = {
            "national_id": person.national_id,
            "first_name": "ก",
            "last_name": "ข",
            "relation": "relative",
        }
        with translation.override("en"):
            answers.append(_post_page(client, facilitator, url, data))
    assert [a.status_code for a in answers] == [200, 200]  # the form again, with the error
    for answer in answers:
        assert answer.context["form"].errors == {"national_id": [NEUTRAL_EN]}
        body = answer.content.decode()
        assert "ประยูร" not in body and "ลับเฉพาะ" not in body
    assert Membership.objects.filter(household=household).count() == 1


def test_new_household_page_refuses_another_areas_head(client, facilitator):
    nowhere = _person_living_nowhere_last_in("49020101", 23)
    before = Household.objects.count()
    data = {
        "village": "49010101",
        "house_number": "5",
        "national_id": nowhere.national_id,
        "first_name": "ก",
        "last_name": "ข",
    }
    with translation.override("en"):
        answer = _post_page(client, facilitator, reverse("households:household_create"), data)
    assert answer.status_code == 200
    assert answer.context["form"].errors.get("national_id") == [NEUTRAL_EN]
    assert Household.objects.count() == before


def test_the_neutral_answer_is_in_thai_by_default(facilitator):
    other = _person_living_in("49020101", 24)
    with translation.override("th"), pytest.raises(ValidationError) as refused:
        services.add_member(
            actor=facilitator,
            household=household_with_head("49010101"),
            person={"national_id": other.national_id},
            relation="relative",
        )
    assert refused.value.message_dict["national_id"][0].startswith("ใช้เลขประจำตัวประชาชนนี้ในพื้นที่นี้ไม่ได้")


def test_changing_a_members_id_to_another_areas_id_gets_the_neutral_answer_audited_there(
    facilitator,
):
    """Editing a member's ID is no way round the neutral answer: an ID held in another area is
    refused as linking refuses it, and the attempt is audited in that area."""
    from households.services import neutral_national_id_refusal, update_member
    from ppaos.audit.models import AuditEvent

    elsewhere = household_with_head("49020101", national_id=make_national_id(71))
    held = elsewhere.memberships.get().person.national_id
    mine = household_with_head("49010101", national_id=make_national_id(72))
    membership = Membership.objects.get(household=mine)

    with pytest.raises(ValidationError) as refused:
        update_member(
            actor=facilitator,
            membership=membership,
            person={"national_id": held},
            relation=membership.relation,
        )

    assert refused.value.message_dict == {"national_id": [str(neutral_national_id_refusal())]}
    row = AuditEvent.objects.get(action="person.national_id_refused")
    assert row.area_code == "49020101" and held not in str(row.details)
    membership.person.refresh_from_db()
    assert membership.person.national_id == make_national_id(72)


def test_changing_a_members_id_to_one_held_in_the_same_area_says_so_plainly(facilitator):
    from households.services import update_member

    other = household_with_head("49010102", national_id=make_national_id(73))
    held = other.memberships.get().person.national_id
    mine = household_with_head("49010101", national_id=make_national_id(74))
    membership = Membership.objects.get(household=mine)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        update_member(
            actor=facilitator,
            membership=membership,
            person={"national_id": held},
            relation=membership.relation,
        )

    assert refused.value.message_dict == {
        "national_id": ["Another person already has this national ID."]
    }
