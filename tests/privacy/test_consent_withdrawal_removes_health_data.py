"""Withdrawing consent removes the health and disability data it covered and recomputes the
household's classification, audited."""

import pytest

from households.models import ClassificationResult, IndicatorAnswer
from ppaos.audit.models import AuditEvent
from privacy.models import RequestKind, RequestStatus
from privacy.services import withdraw_consent
from tests.privacy.privacy_helpers import classified_household_with_disabled_member, logged_request

pytestmark = pytest.mark.django_db


def test_withdrawal_clears_flags_and_answers_and_recomputes_the_level(
    facilitator, area_manager, provincial_officer
):
    household, person = classified_household_with_disabled_member(facilitator, area_manager)
    before = ClassificationResult.objects.get(household=household)
    assert "access" in before.failed_dimensions
    request = logged_request(provincial_officer, person, RequestKind.WITHDRAW_CONSENT)

    withdraw_consent(actor=provincial_officer, request=request)

    person.refresh_from_db()
    assert not (person.has_disability or person.has_chronic_illness or person.is_bedridden)
    assert not IndicatorAnswer.objects.filter(person=person, indicator__code="bmn28").exists()
    after = ClassificationResult.objects.get(household=household)
    assert "access" not in after.failed_dimensions
    recomputed = AuditEvent.objects.get(action="survey.classification_recomputed")
    assert recomputed.details["old_level"] == before.level
    assert recomputed.details["level"] == after.level
    assert AuditEvent.objects.filter(action="person.sensitive_data_removed").count() == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED


def test_withdrawal_is_refused_to_a_facilitator(facilitator, area_manager, provincial_officer):
    from django.core.exceptions import PermissionDenied

    _household, person = classified_household_with_disabled_member(facilitator, area_manager)
    request = logged_request(provincial_officer, person, RequestKind.WITHDRAW_CONSENT)
    with pytest.raises(PermissionDenied):
        withdraw_consent(actor=facilitator, request=request)


def _change_kept_from_a_phone(household, user, status):
    import uuid

    from households.models import OfflineChange

    return OfflineChange.objects.create(
        change_id=uuid.uuid4(),
        user=user,
        household=household,
        step="members",
        base_version=1,
        fields={"m0_disability": True},
        server_fields={"m0_disability": False},
        status=status,
        response_status=409,
        response={"status": "conflict", "mine": {"m0_disability": True}, "server": {}},
    )


def test_withdrawal_clears_the_answers_kept_from_phones(
    facilitator, area_manager, provincial_officer
):
    from households.models import OfflineChangeStatus

    household, person = classified_household_with_disabled_member(facilitator, area_manager)
    change = _change_kept_from_a_phone(household, facilitator, OfflineChangeStatus.CONFLICT)
    request = logged_request(provincial_officer, person, RequestKind.WITHDRAW_CONSENT)

    withdraw_consent(actor=provincial_officer, request=request)

    change.refresh_from_db()
    assert change.fields == {} and change.server_fields == {}
    assert change.response == {"status": "conflict"}
    assert change.status == OfflineChangeStatus.CONFLICT  # ids and status stay
