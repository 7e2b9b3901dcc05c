"""Registry pages: scope (404 / 403 / empty), findings, members, audit of views, masking."""

import pytest
from django.urls import reverse

from households import services
from households.models import DuplicateCandidate, Finding, Household, Membership, RegistrantFinding
from ppaos.accounts import policy
from ppaos.accounts.models import Role
from ppaos.audit.models import AuditEvent
from tests.factories import RegistrantFactory, household_with_head, make_national_id

pytestmark = pytest.mark.django_db

NID = "1101700207030"


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- scope -----------------------------------------------------------------------------------


def test_another_areas_household_answers_404(client, neighbour_facilitator):
    household = household_with_head("49010101")
    url = reverse("households:household_detail", args=[household.public_id])
    assert _get(client, neighbour_facilitator, url).status_code == 404
    person = household.memberships.get().person
    url = reverse("households:person_detail", args=[person.public_id])
    assert client.get(url).status_code == 404
    url = reverse("households:registrant_detail", args=[RegistrantFactory().public_id])
    assert client.get(url).status_code == 404
    url = reverse("households:member_add", args=[household.public_id])
    assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize("name", ["worklist", "search", "household_create", "duplicate_queue"])
def test_wrong_role_answers_403(client, executive, name):
    assert _get(client, executive, reverse(f"households:{name}")).status_code == 403


def test_provincial_officer_sees_but_may_not_edit(client, provincial_officer):
    household = household_with_head()
    client.force_login(provincial_officer)
    url = reverse("households:household_detail", args=[household.public_id])
    assert client.get(url).status_code == 200
    url = reverse("households:household_edit", args=[household.public_id])
    assert client.get(url).status_code == 403
    registrant = RegistrantFactory()
    url = reverse("households:registrant_detail", args=[registrant.public_id])
    response = client.post(url, {"finding": "not_found", "note": "x"})
    assert response.status_code == 403
    assert not RegistrantFinding.objects.exists()


def test_no_assignment_sees_an_empty_worklist_and_search(client, no_role_user):
    RegistrantFactory(national_id=NID)
    response = _get(client, no_role_user, reverse("households:worklist"))
    assert response.status_code == 200 and response.context["page"].paginator.count == 0
    response = client.get(reverse("households:search"), {"q": NID})
    assert response.context["registrants"] == [] and response.context["households"] == []
    response = client.get(reverse("households:duplicate_queue"))
    assert response.status_code == 200 and 'data-testid="empty"' in response.content.decode()


def test_worklist_has_a_bounded_number_of_queries(
    client, facilitator, django_assert_max_num_queries
):
    for _ in range(30):
        RegistrantFactory()
    client.force_login(facilitator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("households:worklist"))
    assert len(response.context["page"].object_list) == 25


def test_search_has_a_bounded_number_of_queries(client, facilitator, django_assert_max_num_queries):
    for _ in range(15):
        household_with_head(first_name="สมศรี", last_name="ใจดี")
        RegistrantFactory(first_name="สมศรี", last_name="ใจดี")
    client.force_login(facilitator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("households:search"), {"q": "สมสรี ใจดี"})
    assert len(response.context["households"]) == 15
    assert len(response.context["registrants"]) == 15


# --- search and findings -----------------------------------------------------------------------


def test_search_page_finds_a_misspelt_name_and_dashed_id(client, facilitator):
    registrant = RegistrantFactory(first_name="สมศรี", last_name="ใจดี", national_id=NID)
    client.force_login(facilitator)
    for text in ("สมสรี ใจดี", "1-1017-00207-03-0", "๑๑๐๑๗๐๐๒๐๗๐๓๐"):
        response = client.get(reverse("households:search"), {"q": text})
        assert response.context["registrants"] == [registrant], text
        assert 'data-testid="registrant-card"' in response.content.decode()


def test_search_page_explains_a_wrong_check_digit(client, facilitator):
    response = _get(client, facilitator, reverse("households:search"), q="1101700207031")
    assert 'data-testid="id-error"' in response.content.decode()


def test_recording_found_leads_to_the_household_page(client, facilitator):
    registrant = RegistrantFactory(house_number="88")
    client.force_login(facilitator)
    url = reverse("households:registrant_detail", args=[registrant.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"finding": "found", "note": ""})
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "households:household_detail", args=[household.public_id]
    )
    assert AuditEvent.objects.filter(action="registrant.viewed").count() == 1


def test_a_finding_without_a_note_shows_the_error_beside_the_field(client, facilitator):
    registrant = RegistrantFactory()
    client.force_login(facilitator)
    url = reverse("households:registrant_detail", args=[registrant.public_id])
    response = client.post(url, {"finding": Finding.DECEASED, "note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert 'data-testid="field-note"' in response.content.decode()


# --- household page, members, audit ------------------------------------------------------------


def test_household_page_shows_members_and_logs_the_view(client, facilitator):
    household = household_with_head()
    url = reverse("households:household_detail", args=[household.public_id])
    response = _get(client, facilitator, url)
    body = response.content.decode()
    assert 'data-testid="member-row"' in body and "1-" in body
    event = AuditEvent.objects.get(action="household.viewed")
    assert event.actor == facilitator and event.object_id == str(household.public_id)
    response = client.get(url)
    assert len(response.context["page"].audit_trail) == 2


def test_person_page_logs_the_view(client, facilitator):
    person = household_with_head().memberships.get().person
    response = _get(
        client, facilitator, reverse("households:person_detail", args=[person.public_id])
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="person.viewed", object_id=str(person.public_id)
    ).exists()


def test_add_edit_move_out_and_make_head_through_the_pages(client, facilitator):
    household = household_with_head()
    client.force_login(facilitator)
    url = reverse("households:member_add", args=[household.public_id])
    response = client.post(
        url,
        {
            "national_id": "๑-๑๐๑๗-๐๐๒๐๗-๐๓-๐",
            "first_name": "มานี",
            "last_name": "ศรีสุข",
            "relation": "child",
        },
    )
    assert response.status_code == 302
    child = Membership.objects.get(person__national_id=NID)
    url = reverse("households:member_edit", args=[household.public_id, child.pk])
    data = {"national_id": NID, "first_name": "มานี", "last_name": "ศรีสุข", "relation": "spouse"}
    data["occupation"] = "ค้าขาย"
    assert client.post(url, data).status_code == 302
    child.refresh_from_db()
    assert child.relation == "spouse" and child.person.occupation == "ค้าขาย"
    url = reverse("households:member_make_head", args=[household.public_id, child.pk])
    assert client.post(url, {"former_head_relation": "spouse"}).status_code == 302
    former = household.memberships.exclude(pk=child.pk).get()
    url = reverse("households:member_move_out", args=[household.public_id, former.pk])
    assert client.post(url, {"reason": "ไปทำงานต่างจังหวัด"}).status_code == 302
    former.refresh_from_db()
    assert former.left_on is not None and former.left_reason == "ไปทำงานต่างจังหวัด"


def test_moving_the_head_out_of_a_full_household_shows_why_not(client, facilitator):
    household = household_with_head()
    services.add_member(
        actor=facilitator,
        household=household,
        person={"national_id": make_national_id(3), "first_name": "ก", "last_name": "ข"},
        relation="child",
    )
    head = household.memberships.get(relation="head")
    client.force_login(facilitator)
    url = reverse("households:member_move_out", args=[household.public_id, head.pk])
    response = client.post(url, {})
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_bad_national_id_is_shown_beside_the_field(client, facilitator, villages):
    client.force_login(facilitator)
    response = client.post(
        reverse("households:household_create"),
        {
            "village": "49010101",
            "national_id": "1101700207031",
            "first_name": "ก",
            "last_name": "ข",
        },
        HTTP_ACCEPT_LANGUAGE="th",
    )
    assert response.status_code == 200
    assert "หลักตรวจสอบ" in str(response.context["form"].errors["national_id"])
    assert not Household.objects.exists()


# --- masking and duplicates --------------------------------------------------------------------


def test_national_ids_are_masked_for_a_role_without_the_right(
    client, provincial_officer, monkeypatch
):
    household = household_with_head(national_id=NID)
    url = reverse("households:household_detail", args=[household.public_id])
    assert "1-1017-00207-03-0" in _get(client, provincial_officer, url).content.decode()
    reduced = policy.ROLE_ACTIONS[Role.PROVINCIAL_OFFICER] - {policy.Action.VIEW_NATIONAL_ID}
    monkeypatch.setitem(policy.ROLE_ACTIONS, Role.PROVINCIAL_OFFICER, reduced)
    body = client.get(url).content.decode()
    assert "1-1017-xxxxx-xx-0" in body and "00207" not in body


def test_area_manager_reviews_a_duplicate_on_its_page(client, facilitator, area_manager):
    import datetime

    born = datetime.date(1960, 1, 1)
    household = household_with_head(first_name="สมศรี", last_name="ใจดี", birth_date=born)
    services.add_member(
        actor=facilitator,
        household=household,
        person={
            "national_id": make_national_id(11),
            "first_name": "สมศรี",
            "last_name": "ใจดี",
            "birth_date": born,
        },
        relation="sibling",
    )
    candidate = DuplicateCandidate.objects.get()
    client.force_login(area_manager)
    assert (
        'data-testid="duplicate-card"'
        in client.get(reverse("households:duplicate_queue")).content.decode()
    )
    url = reverse("households:duplicate_review", args=[candidate.public_id])
    response = client.post(url, {"status": "confirmed_distinct", "note": "ฝาแฝด"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "confirmed_distinct"
    client.force_login(facilitator)
    assert client.get(url).status_code == 403
