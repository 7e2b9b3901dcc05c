"""Writes that fire no signal (QuerySet.update, the registry import's upsert) queue what they
change (monitoring.rollup.queue_changes): after them one drain gives the figures a full rebuild
gives, without waiting for a result to be saved or for the nightly rebuild."""

import pytest

from monitoring.models import AreaRollup, PendingHousehold, PendingVillage
from monitoring.rollup import drain_pending, full_rebuild
from tests.imports.files import good_row, write_xlsx
from tests.imports.helpers import run_in_process
from tests.monitoring.builders import result

pytestmark = pytest.mark.django_db


def _figures():
    return {(r.area_code, r.fiscal_year, r.metric): r.value for r in AreaRollup.objects.all()}


def _drained_equals_rebuilt():
    drain_pending()
    assert not PendingHousehold.objects.exists() and not PendingVillage.objects.exists()
    incremental = _figures()
    full_rebuild()
    assert incremental == _figures()
    return incremental


def test_member_flags_saved_on_a_draft_survey_reach_the_figures_at_the_drain(
    facilitator, django_capture_on_commit_callbacks
):
    """The flags are written with QuerySet.update while the new round's survey is a draft: the
    household's verified result of an earlier round counts its current members' flags."""
    from households.models import Membership
    from households.surveys.services import save_survey_draft
    from tests.households.surveys.survey_helpers import started_survey

    survey = started_survey(facilitator)  # a draft of round 2569
    home = survey.household
    result(home, 2568, "in_hardship")
    full_rebuild()
    assert ("49010101", 2568, "persons:disability") not in _figures()
    person = Membership.objects.filter(household=home, relation="spouse").get().person
    with django_capture_on_commit_callbacks(execute=True):
        save_survey_draft(
            actor=facilitator,
            survey=survey,
            consent={"sensitive_consent": True, "consent_given_by": "ผู้ใหญ่บ้าน"},
            member_flags={person.pk: {"disability": True}},
        )
    assert set(PendingHousehold.objects.values_list("household_id", flat=True)) == {home.pk}
    incremental = _drained_equals_rebuilt()
    assert incremental[("49010101", 2568, "persons:disability")] == 1


def test_a_withdrawal_of_consent_reaches_the_figures_at_the_drain(
    facilitator, area_manager, provincial_officer, django_capture_on_commit_callbacks
):
    from privacy.models import RequestKind
    from privacy.services import withdraw_consent
    from tests.privacy.privacy_helpers import (
        classified_household_with_disabled_member,
        logged_request,
    )

    home, person = classified_household_with_disabled_member(facilitator, area_manager)
    full_rebuild()
    assert _figures()[("49010101", 2569, "persons:disability")] == 1
    request = logged_request(provincial_officer, person, RequestKind.WITHDRAW_CONSENT)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_consent(actor=provincial_officer, request=request)
    assert home.pk in set(PendingHousehold.objects.values_list("household_id", flat=True))
    incremental = _drained_equals_rebuilt()
    assert not any(
        metric in ("persons:disability", "persons:chronic_illness")
        for (_code, _fy, metric) in incremental
    )


def test_a_registrant_moved_by_an_import_leaves_the_village_it_left_at_the_drain(
    tmp_path, settings, admin_user, villages, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    first = write_xlsx(tmp_path / "first.xlsx", [good_row(n) for n in range(1, 4)])
    with django_capture_on_commit_callbacks(execute=True):
        run_in_process(admin_user, first)
    _drained_equals_rebuilt()
    assert _figures()[("49010101", 0, "reg_total")] == 3
    moved = write_xlsx(tmp_path / "moved.xlsx", [good_row(1, village=2)])
    with django_capture_on_commit_callbacks(execute=True):
        job = run_in_process(admin_user, moved)
    assert job.updated_count == 1
    assert set(PendingVillage.objects.values_list("code", flat=True)) == {"49010101", "49010102"}
    incremental = _drained_equals_rebuilt()
    assert incremental[("49010101", 0, "reg_total")] == 2
    assert incremental[("49010102", 0, "reg_total")] == 1
