"""The agency's progress notes on a referral it is working on: written through the service (one
audit row), shown in the referral's history to whoever may see the referral, refused outside
the working states; another agency gets 404 and a role without the action 403. The agency's
completed list shows when each was completed, not when it was due."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from ppaos.audit.models import AuditEvent
from ppaos.core.display import format_date
from referrals import services
from referrals.models import Referral, ReferralProgressNote
from referrals.services import ReferralRefused
from tests.referrals.test_pages import as_user

pytestmark = pytest.mark.django_db

NOTE = "ลงพื้นที่เยี่ยมบ้านแล้ว รอเอกสารสำเนาทะเบียนบ้าน"


def _note_url(referral):
    return reverse("referrals:agency_note", args=[referral.public_id])


@pytest.mark.parametrize("state", ["accepted", "in_progress"])
def test_the_agency_adds_a_note_seen_in_the_history(
    client, make_referral, agency_staff, provincial_officer, facilitator, state
):
    referral = make_referral(state)
    page = as_user(client, agency_staff).get(
        reverse("referrals:agency_referral", args=[referral.public_id])
    )
    assert 'data-testid="progress-form"' in page.content.decode()
    response = client.post(_note_url(referral), {"text": f"  {NOTE}  "})
    assert response.status_code == 302
    note = ReferralProgressNote.objects.get(referral=referral)
    assert (note.text, note.author) == (NOTE, agency_staff)
    event = AuditEvent.objects.get(action="referral.progress_noted")
    assert (event.actor_id, event.area_code) == (agency_staff.pk, referral.area_id)
    assert NOTE not in str(event.details)  # the audit row holds no free text
    body = client.get(response.url).content.decode()
    assert body.count('data-testid="progress-note"') == 1 and NOTE in body
    # The officer and the proposer see it in the referral's history, after the steps before it.
    for user in (provincial_officer, facilitator):
        body = (
            as_user(client, user)
            .get(reverse("referrals:referral_detail", args=[referral.public_id]))
            .content.decode()
        )
        history = body.split('data-testid="history"')[1]
        assert 'data-testid="history-progress-note"' in history and NOTE in history
        assert history.index("history-progress-note") > history.index("→")
    # And on the household's referrals page, in the referral's history.
    url = reverse("referrals:household_referrals", args=[referral.household.public_id])
    body = as_user(client, facilitator).get(url).content.decode()
    assert 'data-testid="history-progress-note"' in body and NOTE in body


def test_the_household_page_lists_notes_and_steps_in_time_order(
    client, make_referral, agency_staff, facilitator
):
    referral = make_referral("accepted")
    services.add_progress_note(agency_staff, referral=referral, text=NOTE)
    services.start_referral(agency_staff, referral=referral)  # a step after the note
    url = reverse("referrals:household_referrals", args=[referral.household.public_id])
    body = as_user(client, facilitator).get(url).content.decode()
    history = body.split('class="history"')[1].split("</ol>")[0]
    rows = [
        "note" if 'data-testid="history-progress-note"' in row else "step"
        for row in history.split("<li")[1:]
    ]
    # the steps up to accepted, the note, then the step into "in progress"
    assert rows.count("note") == 1 and rows[-2:] == ["note", "step"]
    assert "step" in rows[:-2]


def test_an_empty_note_is_refused_with_a_message(client, make_referral, agency_staff):
    referral = make_referral("accepted")
    response = as_user(client, agency_staff).post(_note_url(referral), {"text": "   "}, follow=True)
    assert not ReferralProgressNote.objects.exists()
    assert 'data-testid="progress-form"' in response.content.decode()
    assert list(response.context["messages"])[0].level_tag == "error"


@pytest.mark.parametrize("state", ["approved", "completed"])
def test_no_note_outside_the_working_states(client, make_referral, agency_staff, state):
    referral = make_referral(state)
    with pytest.raises(ReferralRefused) as refused:
        services.add_progress_note(agency_staff, referral=referral, text=NOTE)
    assert refused.value.code == "not_in_table"
    page = as_user(client, agency_staff).get(
        reverse("referrals:agency_referral", args=[referral.public_id])
    )
    assert 'data-testid="progress-form"' not in page.content.decode()
    client.post(_note_url(referral), {"text": NOTE})
    assert not ReferralProgressNote.objects.exists()


def test_another_agency_gets_404_and_a_facilitator_403(
    client, make_referral, other_agency_staff, facilitator
):
    referral = make_referral("accepted")
    assert (
        as_user(client, other_agency_staff).post(_note_url(referral), {"text": NOTE}).status_code
        == 404
    )
    assert as_user(client, facilitator).post(_note_url(referral), {"text": NOTE}).status_code == 403
    assert not ReferralProgressNote.objects.exists()
    with pytest.raises(PermissionDenied):  # the service checks too, not only the view
        services.add_progress_note(other_agency_staff, referral=referral, text=NOTE)


def test_the_completed_list_shows_the_completion_date_not_the_due_date(
    client, make_referral, agency_staff
):
    referral = make_referral("completed")
    completed_at = timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 0))
    due_on = datetime.date(2027, 2, 15)
    Referral.objects.filter(pk=referral.pk).update(completed_at=completed_at, due_on=due_on)
    body = (
        as_user(client, agency_staff)
        .get(reverse("referrals:agency_inbox"), {"status": "completed"})
        .content.decode()
    )
    row = body.split('data-testid="inbox-row"')[1]
    assert 'data-testid="completed-on"' in row
    assert format_date(completed_at) in row
    assert format_date(due_on) not in row and 'data-testid="due-on"' not in row


def test_the_proposer_is_told_of_a_new_note_and_reading_it_handles_it(
    client, make_referral, agency_staff, facilitator
):
    from ppaos.notifications.models import Notice
    from referrals.notices import PROGRESS_NOTED

    referral = make_referral("in_progress")
    as_user(client, agency_staff).post(_note_url(referral), {"text": NOTE})
    notice = Notice.objects.get(kind=PROGRESS_NOTED)
    assert notice.recipient_id == referral.proposed_by_id == facilitator.pk
    assert notice.url == reverse("referrals:referral_detail", args=[referral.public_id])
    assert NOTE not in str(notice.__dict__)  # the notice says only that there is news
    assert not Notice.objects.filter(kind=PROGRESS_NOTED).exclude(pk=notice.pk).exists()
    as_user(client, facilitator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"  # the referrals conftest picks English
    page = client.get(reverse("notifications:list")).content.decode()
    assert "หน่วยงานบันทึกความคืบหน้าการช่วยเหลือ" in page
