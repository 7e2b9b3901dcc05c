"""The Exit page: an area manager records that a household leaves the programme, with its
reason, from the household page; audited; refused to roles that do not verify surveys."""

import pytest
from django.urls import reverse

from households.surveys.models import ProgrammeEvent, ProgrammeEventKind
from ppaos.audit.models import AuditEvent
from tests.households.surveys.survey_helpers import family

pytestmark = pytest.mark.django_db


def test_the_area_manager_records_an_exit_from_the_household_page(client, area_manager):
    household = family()
    client.force_login(area_manager)
    page = client.get(reverse("households:household_detail", args=[household.public_id]))
    assert 'data-testid="programme-exit"' in page.content.decode()
    url = reverse("households:programme_exit", args=[household.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "ย้ายไปอยู่กับบุตรต่างจังหวัด"})
    assert response.status_code == 302
    event = ProgrammeEvent.objects.get(household=household)
    assert (event.kind, event.reason, event.recorded_by) == (
        ProgrammeEventKind.EXIT,
        "ย้ายไปอยู่กับบุตรต่างจังหวัด",
        area_manager,
    )
    audit = AuditEvent.objects.get(action="household.programme_exit")
    assert audit.object_id == str(household.public_id)


def test_an_exit_needs_a_reason_shown_beside_the_field(client, area_manager):
    household = family()
    client.force_login(area_manager)
    response = client.post(reverse("households:programme_exit", args=[household.public_id]), {})
    assert response.status_code == 200
    assert "has-error" in response.content.decode()
    assert not ProgrammeEvent.objects.exists()


def test_a_second_exit_is_refused_above_the_form(client, area_manager):
    household = family()
    client.force_login(area_manager)
    url = reverse("households:programme_exit", args=[household.public_id])
    client.post(url, {"reason": "ครั้งแรก"})
    response = client.post(url, {"reason": "ครั้งที่สอง"})
    assert 'data-testid="form-errors"' in response.content.decode()
    assert ProgrammeEvent.objects.count() == 1


def test_a_facilitator_sees_no_exit_link_and_is_refused(client, facilitator):
    household = family()
    client.force_login(facilitator)
    page = client.get(reverse("households:household_detail", args=[household.public_id]))
    assert 'data-testid="programme-exit"' not in page.content.decode()
    url = reverse("households:programme_exit", args=[household.public_id])
    assert client.post(url, {"reason": "x"}).status_code == 403


def test_another_areas_household_is_404(client, area_manager):
    household = family("49020101")
    client.force_login(area_manager)
    url = reverse("households:programme_exit", args=[household.public_id])
    assert client.get(url).status_code == 404
