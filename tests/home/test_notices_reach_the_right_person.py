"""Notices go to the person who must act, once, and stop waiting when the work is done."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from households.surveys.services import return_survey, submit_survey, verify_survey
from ppaos.accounts.models import Role
from ppaos.notifications.models import Notice
from ppaos.notifications.selectors import waiting_notices_for
from referrals import services as referral_services
from referrals.models import Referral
from referrals.reminders import REFERRAL_OVERDUE, send_overdue_reminders
from tests.factories import UserFactory, assign
from tests.households.surveys.survey_helpers import fill_survey, started_survey

pytestmark = pytest.mark.django_db


def _submitted(facilitator):
    return submit_survey(
        actor=facilitator, survey=fill_survey(facilitator, started_survey(facilitator))
    )


def test_submitted_survey_notifies_the_areas_managers_only(
    facilitator, neighbour_facilitator, area_manager
):
    other_manager = assign(UserFactory(username="mgr_4902"), Role.AREA_MANAGER, "4902")
    survey = _submitted(facilitator)
    assert waiting_notices_for(area_manager).filter(kind="survey_submitted").count() == 1
    for user in (facilitator, neighbour_facilitator, other_manager):
        assert not waiting_notices_for(user).exists()
    assert Notice.objects.get(recipient=area_manager).url.endswith(f"{survey.public_id}/")


def test_returned_survey_reaches_its_facilitator_as_a_notice_and_a_home_count(
    client, facilitator, neighbour_facilitator, area_manager
):
    survey = _submitted(facilitator)
    return_survey(actor=area_manager, survey=survey, comment="แก้รายได้")
    assert waiting_notices_for(facilitator).filter(kind="survey_returned").count() == 1
    assert not waiting_notices_for(neighbour_facilitator).exists()
    # The manager's "to verify" notice was handled by returning it.
    assert not waiting_notices_for(area_manager).exists()
    client.force_login(facilitator)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="count-surveys_returned">1<' in home
    assert 'data-testid="unread-count">1<' in home
    page = client.get(reverse("notifications:list")).content.decode()
    assert page.count('data-testid="notice-waiting"') == 1


def test_resubmitting_and_verifying_take_the_notices_out_of_waiting(facilitator, area_manager):
    survey = _submitted(facilitator)
    return_survey(actor=area_manager, survey=survey, comment="แก้รายได้")
    survey = submit_survey(actor=facilitator, survey=survey)
    assert not waiting_notices_for(facilitator).exists()  # handled, though never read
    assert waiting_notices_for(area_manager).count() == 1
    verify_survey(actor=area_manager, survey=survey)
    assert not Notice.objects.filter(handled_at__isnull=True).exists()


def _overdue(make_referral, state="accepted"):
    referral = make_referral(state)
    Referral.objects.filter(pk=referral.pk).update(
        due_on=datetime.date.today() - datetime.timedelta(days=2)
    )
    referral.refresh_from_db()
    return referral


def test_overdue_reminder_goes_to_agency_staff_and_approving_officer_once_a_day(
    make_referral, agency_staff, provincial_officer, facilitator
):
    _overdue(make_referral)
    make_referral("accepted")  # not overdue
    assert send_overdue_reminders() == 2
    assert send_overdue_reminders() == 0  # twice the same day: no duplicate
    reminders = Notice.objects.filter(kind=REFERRAL_OVERDUE)
    assert set(reminders.values_list("recipient", flat=True)) == {
        agency_staff.pk,
        provincial_officer.pk,
    }
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert send_overdue_reminders(today=tomorrow) == 2  # a new day, a new reminder


def test_acting_on_an_overdue_referral_takes_its_reminder_out_of_waiting(
    make_referral, agency_staff, provincial_officer
):
    referral = _overdue(make_referral)
    send_overdue_reminders()
    assert waiting_notices_for(agency_staff).count() == 1
    referral_services.start_referral(agency_staff, referral=referral)
    assert not waiting_notices_for(agency_staff).exists()
    assert not waiting_notices_for(provincial_officer).filter(kind=REFERRAL_OVERDUE).exists()


def test_notices_are_emailed_when_configured(
    settings, facilitator, area_manager, django_capture_on_commit_callbacks
):
    settings.NOTIFY_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    area_manager.email = "manager@example.org"
    area_manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        survey = _submitted(facilitator)
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]
    assert str(survey.public_id) in mail.outbox[0].body
    assert "ศรีมุกดา" not in mail.outbox[0].body  # no names in an email


def test_no_email_when_not_configured(
    settings, facilitator, area_manager, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert settings.NOTIFY_BY_EMAIL is False
    area_manager.email = "manager@example.org"
    area_manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        _submitted(facilitator)
    assert mail.outbox == []
    assert Notice.objects.filter(recipient=area_manager).count() == 1
