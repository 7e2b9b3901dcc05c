"""Fixes from the households code review: the person page's history and ID masking by the last
household's area, the survey's visit date against its round and today, clearing an amount,
keeping need details, and the one "latest classification" selector."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from households import selectors
from households.models import Membership, Survey, SurveyAccounts, SurveyNeed
from households.surveys.services import (
    save_survey_draft,
    start_survey,
    submit_survey,
    verify_survey,
)
from ppaos.thai.thai_dates import fiscal_year_be
from ppaos.thai.thai_id import format_national_id, mask_national_id
from tests.factories import household_with_head
from tests.households.surveys.survey_helpers import family, fill_survey, started_survey

pytestmark = pytest.mark.django_db


def _person_page(client, user, person) -> str:
    client.force_login(user)
    response = client.get(reverse("households:person_detail", args=[person.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def _moved(person, *, to_household, on=datetime.date(2024, 5, 1)):
    Membership.objects.filter(person=person, left_on__isnull=True).update(left_on=on)
    Membership.objects.create(
        household=to_household, person=person, relation="relative", joined_on=on
    )


# --- Person page -------------------------------------------------------------------------------


def test_person_history_hides_the_address_of_a_household_outside_the_viewers_areas(
    client, facilitator
):
    earlier = household_with_head("49020101", first_name="ประยูร")  # district 4902: not theirs
    earlier.house_number = "999/77"
    earlier.save()
    person = earlier.memberships.get().person
    now = household_with_head("49010101")
    now.house_number = "12/3"
    now.save()
    _moved(person, to_household=now)

    body = _person_page(client, facilitator, person)

    assert "12/3" in body
    assert "999/77" not in body
    assert earlier.area.name_th not in body.split('data-testid="person-history"')[1]
    assert body.count('data-testid="history-elsewhere"') == 1
    assert body.count('data-testid="history-row"') == 2


def test_person_history_shows_every_household_to_a_province_wide_viewer(client, provincial_officer):
    earlier = household_with_head("49020101")
    earlier.house_number = "999/77"
    earlier.save()
    person = earlier.memberships.get().person
    _moved(person, to_household=household_with_head("49010101"))

    body = _person_page(client, provincial_officer, person)

    assert "999/77" in body and 'data-testid="history-elsewhere"' not in body


def test_a_person_who_moved_out_shows_their_id_where_they_last_lived(client, facilitator):
    household = household_with_head("49010101")
    person = household.memberships.get().person
    Membership.objects.filter(person=person).update(left_on=datetime.date(2025, 1, 1))

    body = _person_page(client, facilitator, person)

    assert format_national_id(person.national_id) in body
    assert 'data-testid="current-household"' not in body


def test_a_person_who_moved_out_elsewhere_is_masked_by_their_last_area(
    client, facilitator, area_manager
):
    """Lived in 490101 (the facilitator's), then in 490102, now nowhere: the record is the last
    area's, so the 490101 facilitator sees it masked, the 4901 area manager in full."""
    first = household_with_head("49010101")
    person = first.memberships.get().person
    _moved(person, to_household=household_with_head("49010201"))
    Membership.objects.filter(person=person, left_on__isnull=True).update(
        left_on=datetime.date(2025, 1, 1)
    )

    body = _person_page(client, facilitator, person)
    assert mask_national_id(person.national_id) in body
    assert format_national_id(person.national_id) not in body
    assert body.count('data-testid="history-elsewhere"') == 1

    body = _person_page(client, area_manager, person)
    assert format_national_id(person.national_id) in body


def test_person_api_shows_a_moved_out_persons_id_where_they_last_lived(facilitator):
    household = household_with_head("49010101")
    person = household.memberships.get().person
    Membership.objects.filter(person=person).update(left_on=datetime.date(2025, 1, 1))
    api = APIClient()
    api.force_authenticate(facilitator)

    body = api.get(f"/api/v1/persons/{person.public_id}/").json()

    assert body["national_id"] == format_national_id(person.national_id)
    assert body["area"] is None  # lives nowhere now


def test_person_api_masks_an_id_outside_the_viewers_id_areas(facilitator):
    household = household_with_head("49010101")
    person = household.memberships.get().person
    other = household_with_head("49010201").memberships.get().person
    api = APIClient()
    api.force_authenticate(facilitator)

    rows = api.get("/api/v1/persons/").json()["results"]

    assert [r["national_id"] for r in rows] == [format_national_id(person.national_id)]
    assert mask_national_id(other.national_id) not in str(rows)  # not even listed


def test_person_api_search_finds_by_national_id_in_any_format(facilitator):
    person = household_with_head("49010101").memberships.get().person
    household_with_head("49010101")
    api = APIClient()
    api.force_authenticate(facilitator)

    dashed = format_national_id(person.national_id)
    rows = api.get("/api/v1/persons/", {"q": dashed}).json()["results"]

    assert [r["id"] for r in rows] == [str(person.public_id)]


# --- Survey: visit date against the round and today ---------------------------------------------


def test_a_survey_cannot_start_with_a_visit_date_in_the_future(facilitator):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        start_survey(actor=facilitator, household=family(), surveyed_on=tomorrow)
    assert error.value.message_dict == {
        "surveyed_on": ["The date of the visit cannot be in the future."]
    }
    assert not Survey.objects.exists()


def test_a_survey_cannot_start_with_a_visit_date_outside_the_round(facilitator):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        start_survey(
            actor=facilitator,
            household=family(),
            fiscal_year=2569,
            surveyed_on=datetime.date(2025, 9, 30),  # round 2568
        )
    assert list(error.value.message_dict) == ["surveyed_on"]
    assert "round 2569" in error.value.message_dict["surveyed_on"][0]


def test_changing_the_visit_date_to_another_round_is_refused(facilitator):
    survey = started_survey(facilitator)  # 10 Nov 2025: round 2569
    with translation.override("en"), pytest.raises(ValidationError) as error:
        save_survey_draft(
            actor=facilitator,
            survey=survey,
            consent={"surveyed_on": datetime.date(2026, 10, 1)},  # round 2570
        )
    assert error.value.message_dict["surveyed_on"] == [
        "The date of the visit must fall in round 2569: from 1 October 2568 to 30 September 2569."
    ]
    survey.refresh_from_db()
    assert (survey.surveyed_on, survey.fiscal_year) == (datetime.date(2025, 11, 10), 2569)


def test_a_visit_date_within_the_round_is_saved(facilitator):
    survey = started_survey(facilitator)
    save_survey_draft(
        actor=facilitator, survey=survey, consent={"surveyed_on": datetime.date(2026, 9, 30)}
    )
    survey.refresh_from_db()
    assert survey.surveyed_on == datetime.date(2026, 9, 30)


def test_consent_step_shows_a_future_visit_date_beside_the_field(client, facilitator):
    today = timezone.localdate()
    survey = start_survey(actor=facilitator, household=family(), surveyed_on=today)
    tomorrow = today + datetime.timedelta(days=1)
    client.force_login(facilitator)
    response = client.post(
        reverse("households:survey_step", args=[survey.public_id, "consent"]),
        {"surveyed_on": tomorrow.isoformat(), "notice_given": "on", "go": "save"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["surveyed_on"] == [
        "The date of the visit cannot be in the future."
    ]
    survey.refresh_from_db()
    assert survey.surveyed_on == today and survey.fiscal_year == fiscal_year_be(today)


def test_survey_api_refuses_a_future_visit_date_on_the_field(facilitator):
    household = family()
    api = APIClient()
    api.force_authenticate(facilitator)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = api.post(
        "/api/v1/surveys/",
        {"household": str(household.public_id), "surveyed_on": tomorrow.isoformat()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["surveyed_on"]


# --- Survey: accounts and needs -----------------------------------------------------------------


def test_a_blank_amount_clears_the_stored_amount(client, facilitator):
    survey = started_survey(facilitator)
    save_survey_draft(
        actor=facilitator,
        survey=survey,
        accounts={"income_wages": Decimal("9000"), "savings": Decimal("500")},
    )
    client.force_login(facilitator)
    client.post(
        reverse("households:survey_step", args=[survey.public_id, "accounts"]),
        {"income_wages": "", "savings": "500", "go": "save"},
    )
    accounts = SurveyAccounts.objects.get(survey=survey)
    assert accounts.income_wages is None
    assert accounts.savings == Decimal("500")


def test_needs_step_keeps_the_details_of_needs_still_named(client, facilitator):
    survey = started_survey(facilitator)
    save_survey_draft(
        actor=facilitator,
        survey=survey,
        needs=["occupation", "housing"],
        need_details={"occupation": "เลี้ยงไก่", "housing": "หลังคารั่ว"},
    )
    client.force_login(facilitator)
    client.post(
        reverse("households:survey_step", args=[survey.public_id, "needs"]),
        {"needs": ["occupation", "education"], "needs_note": "", "go": "save"},
    )
    assert dict(SurveyNeed.objects.filter(survey=survey).values_list("category", "detail")) == {
        "occupation": "เลี้ยงไก่",
        "education": "",
    }


def test_save_survey_draft_takes_need_categories(facilitator):
    survey = started_survey(facilitator)
    save_survey_draft(
        actor=facilitator, survey=survey, needs=["occupation"], need_details={"occupation": "ไก่"}
    )
    save_survey_draft(actor=facilitator, survey=survey, needs=["occupation", "housing"])
    assert dict(SurveyNeed.objects.filter(survey=survey).values_list("category", "detail")) == {
        "occupation": "ไก่",
        "housing": "",
    }
    with pytest.raises(ValidationError):
        save_survey_draft(actor=facilitator, survey=survey, needs=["no_such_need"])


# --- The latest classification ------------------------------------------------------------------


def test_latest_classification_is_the_latest_rounds(facilitator, area_manager):
    first = fill_survey(facilitator, started_survey(facilitator), score=1)
    verify_survey(actor=area_manager, survey=submit_survey(actor=facilitator, survey=first))
    assert selectors.latest_classification_of(first.household).fiscal_year == 2569
    second = start_survey(
        actor=facilitator, household=first.household, surveyed_on=datetime.date(2026, 10, 5)
    )
    fill_survey(facilitator, second, score=4)
    verify_survey(actor=area_manager, survey=submit_survey(actor=facilitator, survey=second))

    latest = selectors.latest_classification_of(first.household)

    assert (latest.fiscal_year, latest.survey_id) == (2570, second.pk)
    annotated = selectors.households_for_api(facilitator).get(pk=first.household.pk)
    assert annotated.latest_level == latest.level


def test_a_household_never_classified_has_no_latest_classification(villages):
    assert selectors.latest_classification_of(household_with_head()) is None
