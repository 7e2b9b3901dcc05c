"""The server side of field work without a signal (issue 16): changes saved on a phone are
applied through the survey's own step forms and services; a change based on an older version is
answered with a conflict (both sides); the same change sent twice is applied once; scope, role
and consent rules hold as for a survey typed online."""

import json
import threading
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from households.models import OfflineChange, OfflineChangeStatus, Person, Survey, SurveyStatus
from households.surveys.selectors import instrument_parts, survey_members
from ppaos.audit.models import AuditEvent
from tests.households.surveys.survey_helpers import family, fill_survey, started_survey

pytestmark = pytest.mark.django_db

URL = "/api/v1/offline/changes/"


def _send(
    user,
    household,
    *,
    survey=None,
    step="capitals",
    fields=None,
    base_version=None,
    change_id=None,
    **extra,
):
    client = Client()
    client.force_login(user)
    body = {
        "change_id": str(change_id or uuid.uuid4()),
        "household": str(household.public_id),
        "survey": str(survey.public_id) if survey else None,
        "step": step,
        "fields": fields if fields is not None else {"H1": 3},
        "base_version": base_version
        if base_version is not None
        else (survey.version if survey else 0),
        **extra,
    }
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def _score(survey, code):
    return survey.capital_answers.filter(item__code=code).values_list("score", flat=True).first()


def test_a_change_on_the_current_version_is_applied_and_raises_the_version(facilitator):
    survey = started_survey(facilitator)
    before = survey.version
    response = _send(facilitator, survey.household, survey=survey, fields={"H1": 3, "H2": 4})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "applied"
    assert body["version"] == before + 1
    assert body["values"]["H1"] == 3
    assert _score(survey, "H1") == 3
    assert AuditEvent.objects.filter(action="survey.draft_saved", object_id=str(survey.public_id))


def test_a_stale_change_is_not_applied_and_gets_both_versions(facilitator):
    survey = started_survey(facilitator)
    phone_base = survey.version
    # Meanwhile the survey is edited online.
    first = _send(facilitator, survey.household, survey=survey, fields={"H1": 1})
    assert first.status_code == 200
    response = _send(
        facilitator, survey.household, survey=survey, fields={"H1": 4}, base_version=phone_base
    )
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "conflict"
    assert body["server"]["H1"] == 1 and body["mine"]["H1"] == 4
    assert body["differing"] == ["H1"]
    assert body["server_version"] == phone_base + 1
    assert _score(survey, "H1") == 1  # not overwritten
    kept = OfflineChange.objects.get(status=OfflineChangeStatus.CONFLICT)
    assert kept.fields == {"H1": 4} and kept.server_fields["H1"] == 1
    event = AuditEvent.objects.get(action="survey.offline_conflict")
    assert event.details["differing"] == ["H1"]
    assert event.details["base_version"] == phone_base


def test_the_chosen_result_of_a_conflict_is_stored_and_audited(facilitator):
    survey = started_survey(facilitator)
    base = survey.version
    _send(facilitator, survey.household, survey=survey, fields={"H1": 1, "H2": 1})
    conflict = _send(
        facilitator, survey.household, survey=survey, fields={"H1": 4, "H2": 4}, base_version=base
    ).json()
    resolution = _send(
        facilitator,
        survey.household,
        survey=survey,
        fields={"H1": 4, "H2": 1},
        base_version=conflict["server_version"],
        resolves=OfflineChange.objects.get(status=OfflineChangeStatus.CONFLICT).change_id.hex,
        choices={"H1": "phone", "H2": "server"},
    )
    assert resolution.status_code == 200, resolution.content
    assert (_score(survey, "H1"), _score(survey, "H2")) == (4, 1)
    # Once settled, the answers are no longer kept (PDPA): only ids, status and outcome.
    resolved = OfflineChange.objects.get(status=OfflineChangeStatus.RESOLVED)
    assert resolved.fields == {} and resolved.server_fields == {}
    assert "server" not in resolved.response and "mine" not in resolved.response
    assert OfflineChange.objects.get(resolves=resolved).fields == {}
    event = AuditEvent.objects.get(action="survey.offline_conflict_resolved")
    assert event.details["chosen"] == {"H1": "phone", "H2": "server"}


def test_the_same_change_sent_twice_is_applied_once(facilitator):
    survey = started_survey(facilitator)
    change_id = uuid.uuid4()
    first = _send(facilitator, survey.household, survey=survey, change_id=change_id)
    again = _send(facilitator, survey.household, survey=survey, change_id=change_id)
    assert first.status_code == again.status_code == 200
    assert again.json()["version"] == first.json()["version"]
    assert again.json()["replayed"] is True
    survey.refresh_from_db()
    assert survey.version == first.json()["version"]
    assert OfflineChange.objects.filter(change_id=change_id).count() == 1
    saves = AuditEvent.objects.filter(action="survey.draft_saved", object_id=str(survey.public_id))
    assert saves.count() == 1


def test_a_conflict_sent_again_is_answered_the_same_way(facilitator):
    survey = started_survey(facilitator)
    base = survey.version
    _send(facilitator, survey.household, survey=survey, fields={"H1": 1})
    change_id = uuid.uuid4()
    first = _send(
        facilitator, survey.household, survey=survey, base_version=base, change_id=change_id
    )
    again = _send(
        facilitator, survey.household, survey=survey, base_version=base, change_id=change_id
    )
    assert first.status_code == again.status_code == 409
    assert again.json()["server"] == first.json()["server"]
    assert AuditEvent.objects.filter(action="survey.offline_conflict").count() == 1


def test_a_survey_started_on_the_phone_is_started_by_its_first_change(facilitator, survey_rules):
    household = family()
    response = _send(
        facilitator,
        household,
        step="consent",
        fields={
            "notice_given": True,
            "lawful_basis": "public_task",
            "sensitive_consent": False,
        },
    )
    assert response.status_code == 200, response.content
    survey = Survey.objects.get(household=household)
    assert str(survey.public_id) == response.json()["survey"]
    assert survey.notice_given is True
    assert AuditEvent.objects.filter(action="survey.started", object_id=str(survey.public_id))


def test_a_second_phone_starting_the_same_round_gets_a_conflict(facilitator, survey_rules):
    household = family()
    _send(facilitator, household, step="capitals", fields={"H1": 2})
    response = _send(facilitator, household, step="capitals", fields={"H1": 4})
    assert response.status_code == 409
    assert response.json()["server"]["H1"] == 2
    assert Survey.objects.filter(household=household).count() == 1


def test_another_areas_household_is_404_and_nothing_is_kept(facilitator, neighbour_facilitator):
    survey = started_survey(facilitator)
    response = _send(neighbour_facilitator, survey.household, survey=survey)
    assert response.status_code == 404
    assert not OfflineChange.objects.exists()
    assert _score(survey, "H1") is None


def test_a_household_moved_out_of_the_area_refuses_the_waiting_change(facilitator):
    survey = started_survey(facilitator)
    household = survey.household
    household.area_id = "49010201"  # another subdistrict
    household.save(update_fields=["area"])
    assert _send(facilitator, household, survey=survey).status_code == 404


def test_a_role_that_may_not_enter_surveys_gets_403(facilitator, executive):
    survey = started_survey(facilitator)
    assert _send(executive, survey.household, survey=survey).status_code == 403
    client = Client()
    client.force_login(executive)
    assert client.get("/api/v1/offline/bundle/").status_code == 403
    assert client.get("/offline/").status_code == 403


def test_health_data_without_consent_is_not_saved(facilitator):
    survey = started_survey(facilitator)
    person = survey.household.memberships.first().person
    response = _send(
        facilitator,
        survey.household,
        survey=survey,
        step="members",
        fields={f"m{person.pk}_disability": True},
    )
    assert response.status_code in (200, 400)
    assert response.json()["errors"]
    assert Person.objects.get(pk=person.pk).has_disability is False
    assert OfflineChange.objects.get().status in (
        OfflineChangeStatus.APPLIED,
        OfflineChangeStatus.REFUSED,
    )


def test_health_data_with_consent_is_saved_and_its_indicator_read_in_the_same_change(facilitator):
    survey = started_survey(facilitator)
    consent = _send(
        facilitator,
        survey.household,
        survey=survey,
        step="consent",
        fields={
            "notice_given": True,
            "lawful_basis": "public_task",
            "sensitive_consent": True,
            "consent_given_by": "หัวหน้าครัวเรือน",
        },
    )
    assert consent.status_code == 200, consent.content
    survey.refresh_from_db()
    parts = instrument_parts(survey.instrument)
    adult = next(m for m in survey_members(survey, parts) if m.membership.relation == "spouse")
    disability_codes = [i.code for i in parts.member_indicators if i.condition == "disability"]
    fields = {f"m{adult.person.pk}_disability": True}
    fields.update({f"m{adult.person.pk}_{code}": "pass" for code in disability_codes})
    response = _send(
        facilitator,
        survey.household,
        survey=survey,
        step="members",
        fields=fields,
        base_version=consent.json()["version"],
    )
    assert response.status_code == 200, response.content
    assert Person.objects.get(pk=adult.person.pk).has_disability is True
    answered = set(
        survey.indicator_answers.filter(person=adult.person).values_list(
            "indicator__code", flat=True
        )
    )
    assert set(disability_codes) <= answered


def test_withdrawing_consent_while_health_data_is_held_is_refused(facilitator):
    survey = started_survey(facilitator)
    fill_survey(facilitator, survey)
    Person.objects.filter(pk=survey.household.memberships.first().person_id).update(
        has_chronic_illness=True
    )
    survey.refresh_from_db()
    response = _send(
        facilitator,
        survey.household,
        survey=survey,
        step="consent",
        fields={
            "notice_given": True,
            "lawful_basis": "public_task",
            "sensitive_consent": False,
        },
    )
    assert response.status_code == 400
    assert response.json()["status"] == "refused"
    assert OfflineChange.objects.get().status == OfflineChangeStatus.REFUSED


def test_submit_from_the_phone_follows_the_completeness_rule(facilitator):
    survey = started_survey(facilitator)
    refused = _send(facilitator, survey.household, survey=survey, step="submit", fields={})
    assert refused.status_code == 400
    assert refused.json()["errors"]
    fill_survey(facilitator, survey)
    survey.refresh_from_db()
    done = _send(facilitator, survey.household, survey=survey, step="submit", fields={})
    assert done.status_code == 200, done.content
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.SUBMITTED


@pytest.fixture
def survey_rules(db):
    """The current rule set and instrument (loaded by the data migration)."""
    from households.models import SurveyInstrument

    assert SurveyInstrument.objects.filter(is_current=True).exists()


def test_an_online_edit_raises_the_version_the_phone_compares(facilitator):
    survey = started_survey(facilitator)
    before = survey.version
    client = Client()
    client.force_login(facilitator)
    url = reverse(
        "households_api:survey-steps", kwargs={"id": survey.public_id, "step": "capitals"}
    )
    client.patch(url, data=json.dumps({"H1": "2"}), content_type="application/json")
    survey.refresh_from_db()
    assert survey.version == before + 1


def test_an_applied_change_keeps_no_answers_and_replays_without_them(facilitator):
    survey = started_survey(facilitator)
    change_id = uuid.uuid4()
    first = _send(facilitator, survey.household, survey=survey, change_id=change_id)
    kept = OfflineChange.objects.get(change_id=change_id)
    assert kept.fields == {} and "values" not in kept.response
    again = _send(facilitator, survey.household, survey=survey, change_id=change_id)
    assert again.status_code == 200
    assert again.json()["version"] == first.json()["version"]
    assert "values" not in again.json()


def test_deleting_the_household_survey_or_user_keeps_the_change_without_them(facilitator):
    from django.contrib.auth import get_user_model

    survey = started_survey(facilitator)
    household = survey.household
    _send(facilitator, household, survey=survey)
    change = OfflineChange.objects.get()
    Survey.objects.filter(pk=survey.pk).delete()
    change.refresh_from_db()
    assert change.survey_id is None
    household.delete()
    change.refresh_from_db()
    assert change.household_id is None
    # A user's account (audit rows aside) is not held back by the changes they sent.
    other = get_user_model().objects.create(username="leaver")
    OfflineChange.objects.filter(pk=change.pk).update(user=other)
    other.delete()
    change.refresh_from_db()
    assert change.user_id is None


def test_another_users_change_id_is_their_own_new_change(facilitator, villages):
    from tests.factories import UserFactory, assign

    colleague = assign(UserFactory(username="fac_490101_b"), "facilitator", "490101")
    survey = started_survey(facilitator)
    change_id = uuid.uuid4()
    mine = _send(facilitator, survey.household, survey=survey, change_id=change_id)
    assert mine.status_code == 200
    survey.refresh_from_db()
    theirs = _send(colleague, survey.household, survey=survey, change_id=change_id)
    assert theirs.status_code == 200, theirs.content
    assert "replayed" not in theirs.json()
    assert theirs.json()["version"] == mine.json()["version"] + 1
    assert OfflineChange.objects.filter(change_id=change_id).count() == 2


@pytest.fixture
def instrument_again(official_areas):
    """A transactional test's flush removes the instrument a data migration loads."""
    from django.apps import apps as django_apps

    from households.surveys.instrument_loader import load_instrument_v1

    load_instrument_v1(django_apps)


def _wait_until_blocked_on_a_lock():
    from django.db import connection

    for _ in range(600):  # polled, not timed
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        threading.Event().wait(0.05)
    return False


def _in_threads(first, second):
    """Run `first` in a transaction held open until `second` (another connection) is seen
    waiting on a lock; returns both outcomes."""
    from django.db import connections, transaction

    holds = threading.Event()
    may_commit = threading.Event()
    outcome = {}

    def run_first():
        try:
            with transaction.atomic():
                outcome["first"] = first()
                holds.set()
                may_commit.wait(timeout=30)
        finally:
            connections.close_all()

    def run_second():
        holds.wait(timeout=30)
        try:
            outcome["second"] = second()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    assert holds.wait(timeout=30)
    blocked = _wait_until_blocked_on_a_lock()
    may_commit.set()
    for thread in threads:
        thread.join(timeout=60)
    assert blocked, "the second request did not wait for the first"
    return outcome["first"], outcome["second"]


@pytest.mark.django_db(transaction=True)
def test_a_resend_during_the_first_request_waits_and_gets_its_answer(facilitator, instrument_again):
    from households.offline.services import apply_offline_change

    survey = started_survey(facilitator)
    change_id = uuid.uuid4()

    def send():
        return apply_offline_change(
            actor=facilitator,
            change_id=change_id,
            household=survey.household,
            survey=survey,
            step="capitals",
            fields={"H1": 3},
            base_version=survey.version,
        )

    first, second = _in_threads(send, send)
    assert first.status_code == second.status_code == 200
    assert second.body.get("replayed") is True
    assert OfflineChange.objects.filter(change_id=change_id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_phones_starting_the_same_round_at_once_get_a_conflict(facilitator, instrument_again):
    from households.offline.services import apply_offline_change

    household = family()

    def start():
        return apply_offline_change(
            actor=facilitator,
            change_id=uuid.uuid4(),
            household=household,
            survey=None,
            step="capitals",
            fields={"H1": 2},
            base_version=0,
        )

    first, second = _in_threads(start, start)
    assert first.status_code == 200, first.body
    assert second.status_code == 409, second.body
    assert second.body["base_version"] == 0
    assert Survey.objects.filter(household=household).count() == 1


def test_a_survey_started_on_the_phone_takes_its_round_from_the_visit_date_sent(
    facilitator, survey_rules
):
    """A visit on 30 September synced on 1 October (or later) belongs to the round it was made
    in, not the sync day's round."""
    import datetime as dt

    from django.utils import timezone

    from ppaos.thai.thai_dates import fiscal_year_be

    this_round = fiscal_year_be(timezone.localdate())
    last_day_of_previous_round = dt.date(this_round - 543 - 1, 9, 30)
    household = family()
    response = _send(
        facilitator,
        household,
        step="consent",
        fields={
            "notice_given": True,
            "lawful_basis": "public_task",
            "sensitive_consent": False,
            "surveyed_on": last_day_of_previous_round.isoformat(),
        },
    )
    assert response.status_code == 200, response.content
    survey = Survey.objects.get(household=household)
    assert survey.fiscal_year == this_round - 1
    assert survey.surveyed_on == last_day_of_previous_round


def test_the_round_dates_end_at_the_rounds_end_not_the_download_day():
    import datetime as dt

    from households.offline.rules import round_dates

    dates = round_dates(dt.date(2026, 9, 29))
    assert dates == {
        "fiscal_year": 2569,
        "min": "2025-10-01",
        "max": "2026-09-29",
        "round_end": "2026-09-30",
    }


def test_the_offline_words_are_whole_thai_sentences():
    from django.utils import translation

    from households.models import OfflineChangeStatus
    from households.offline.strings import OFFLINE_STRINGS

    with translation.override("th"):
        words = {key: str(text) for key, text in OFFLINE_STRINGS.items()}
        assert words["step_of"] % {"n": 2, "m": 7, "title": "สมาชิก"} == "ขั้นที่ 2 จาก 7: สมาชิก"
        assert words["age_years"] % {"age": 40} == "อายุ 40 ปี"
        assert "%(year)s" in words["survey_round"]
        assert str(OfflineChangeStatus.RESOLVED.label) == "แก้ไขข้อขัดแย้งแล้ว"
        assert "%(count)s" in words["signed_out_keep"]
    assert not {"step", "of", "age", "years"} & set(OFFLINE_STRINGS)


def test_an_unknown_step_is_refused_in_thai(facilitator):
    survey = started_survey(facilitator)
    response = _send(facilitator, survey.household, survey=survey, step="nonsense")
    assert response.status_code == 400
    assert response.json()["errors"][""] == ["ไม่มีขั้นตอนนี้ในแบบสำรวจ"]
