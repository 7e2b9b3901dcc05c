"""The survey importer run in this process: a template file, the review queue, the rules of a
typed survey (consent gate, national ID checksum, one person in one household), dry run."""

import pytest

from households.models import Household, Membership, Person, Survey, SurveyStatus
from households.surveys.selectors import review_queue_for
from ppaos.imports import services
from ppaos.imports.models import ImportStatus
from tests.households.survey_import.files import household, write_template_xlsx
from tests.imports.helpers import upload

pytestmark = pytest.mark.django_db


def run(user, path, *, dry_run=False):
    job = services.create_import_job(
        actor=user, uploaded_file=upload(path), dry_run=dry_run, kind="surveys"
    )
    services.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_a_template_file_imports_surveys_that_wait_for_review(facilitator, area_manager, tmp_path):
    path = write_template_xlsx(tmp_path / "s.xlsx", [household(n) for n in range(1, 4)])
    job = run(facilitator, path)
    assert job.status == ImportStatus.SUCCEEDED, (job.error_message, job.error_summary)
    assert (job.created_count, job.updated_count, job.unchanged_count, job.rejected_count) == (
        3,
        0,
        0,
        0,
    )
    assert Survey.objects.filter(status=SurveyStatus.SUBMITTED).count() == 3
    assert Membership.objects.count() == 9
    assert review_queue_for(area_manager).count() == 3


def state():
    """Everything a survey import writes, in a stable order."""
    return (
        list(Household.objects.order_by("pk").values_list("pk", "area_id", "house_number")),
        list(Person.objects.order_by("national_id").values_list("national_id", "first_name",
                                                                "birth_date", "has_disability")),
        list(Membership.objects.order_by("pk").values_list("household_id", "person_id",
                                                           "relation")),
        list(Survey.objects.order_by("pk").values_list("pk", "household_id", "fiscal_year",
                                                       "status", "surveyed_on")),
    )  # fmt: skip


def errors_of(job) -> dict[str, list[str]]:
    return {group["code"]: group["samples"] for group in job.error_summary}


def test_bad_rows_are_rejected_with_a_message_and_never_block_the_good_ones(facilitator, tmp_path):
    from tests.imports.files import bad_checksum

    rows = [household(n) for n in range(1, 7)]
    rows[1][1][1]["national_id"] = bad_checksum(rows[1][1][1]["national_id"])  # checksum
    rows[2][0]["village_code"] = "49010201"  # a village of another subdistrict
    del rows[3][0]["cap_H1"]  # incomplete: submit refuses it
    rows[4][0]["surveyed_on"] = "31/02/2568"  # no such date
    job = run(facilitator, write_template_xlsx(tmp_path / "bad.xlsx", rows))
    assert job.status == ImportStatus.PARTLY_SUCCEEDED
    assert (job.created_count, job.rejected_count) == (2, 4)
    codes = errors_of(job)
    assert {"national_id", "outside_area", "refused", "bad_date"} <= set(codes)
    outside = next(g for g in job.error_summary if g["code"] == "outside_area")
    assert "นอกพื้นที่" in outside["message_th"]
    assert not Household.objects.filter(area_id="49010201").exists()
    assert job.error_report
    assert Survey.objects.count() == 2


def test_health_data_without_consent_is_refused_for_that_row_the_rest_imported(
    facilitator, tmp_path
):
    rows = [household(1), household(2)]
    rows[0][1][0]["disability"] = "ใช่"  # no consent in household 1
    rows[1][0]["sensitive_consent"] = "ใช่"
    rows[1][0]["consent_given_by"] = "นางสมาชิก1"
    rows[1][1][1]["chronic_illness"] = "ใช่"
    job = run(facilitator, write_template_xlsx(tmp_path / "consent.xlsx", rows))
    assert (job.created_count, job.rejected_count) == (2, 0)
    assert "warning.consent_refused" in errors_of(job)
    first_head = Person.objects.get(national_id=rows[0][1][0]["national_id"])
    assert first_head.has_disability is False
    consented = Person.objects.get(national_id=rows[1][1][1]["national_id"])
    assert consented.has_chronic_illness is True


def test_one_person_in_one_household_and_duplicate_person_flags(facilitator, tmp_path):
    from households.models import DuplicateCandidate

    first = household(1)
    job = run(facilitator, write_template_xlsx(tmp_path / "one.xlsx", [first]))
    assert job.created_count == 1
    second = household(2)
    second[1][1]["national_id"] = first[1][1]["national_id"]  # lives in household 1 already
    third = household(3)
    third[1][1].update(first_name=first[1][2]["first_name"], last_name=first[1][2]["last_name"],
                       birth_date=first[1][2]["birth_date"])  # fmt: skip
    job = run(facilitator, write_template_xlsx(tmp_path / "two.xlsx", [second, third]))
    assert (job.created_count, job.rejected_count) == (1, 1)
    refused = next(g for g in job.error_summary if g["code"] == "refused")
    assert "ครัวเรือนอื่น" in refused["message_th"]
    assert DuplicateCandidate.objects.count() == 1


def test_dry_run_counts_what_the_import_does_and_writes_nothing(facilitator, tmp_path):
    rows = [household(n) for n in range(1, 5)]
    rows[0][1][0]["national_id"] = "1234"
    path = write_template_xlsx(tmp_path / "dry.xlsx", rows)
    dry = run(facilitator, path, dry_run=True)
    assert (dry.created_count, dry.updated_count, dry.unchanged_count, dry.rejected_count) == (
        3, 0, 0, 1,
    )  # fmt: skip
    assert state() == ([], [], [], [])
    real = run(facilitator, path)
    assert (real.created_count, real.rejected_count) == (3, 1)


def test_the_same_file_twice_changes_nothing(facilitator, tmp_path):
    path = write_template_xlsx(tmp_path / "twice.xlsx", [household(n) for n in range(1, 6)])
    first = run(facilitator, path)
    before = state()
    second = run(facilitator, path)
    assert first.created_count == 5
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 5)
    assert state() == before


def test_a_returned_survey_is_filled_again_and_submitted(facilitator, area_manager, tmp_path):
    from households.surveys.services import return_survey

    path = write_template_xlsx(tmp_path / "again.xlsx", [household(1)])
    run(facilitator, path)
    return_survey(actor=area_manager, survey=Survey.objects.get(), comment="ตรวจอีกครั้ง")
    job = run(facilitator, path)
    assert (job.created_count, job.updated_count) == (0, 1)
    assert Survey.objects.get().status == SurveyStatus.SUBMITTED


def test_audit_rows_name_what_was_created(facilitator, tmp_path):
    from ppaos.audit.models import AuditEvent

    job = run(facilitator, write_template_xlsx(tmp_path / "audit.xlsx", [household(1)]))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"household.created", "person.created", "household.member_added", "survey.started",
            "survey.submitted", "survey.imported", "import.job_finished"} <= actions  # fmt: skip
    imported = AuditEvent.objects.get(action="survey.imported")
    assert imported.details["import_job"] == str(job.public_id)


def test_imported_surveys_are_in_another_managers_review_queue_page(client, area_manager, tmp_path):
    from django.urls import reverse

    from ppaos.accounts.policy import Role
    from tests.factories import UserFactory, assign

    run(area_manager, write_template_xlsx(tmp_path / "q.xlsx", [household(1), household(2)]))
    reviewer = assign(UserFactory(username="mgr_4901_b"), Role.AREA_MANAGER, "4901")
    client.force_login(area_manager)
    assert review_queue_for(area_manager).count() == 0  # four eyes: the uploader entered them
    client.force_login(reviewer)
    page = client.get(reverse("households:review_queue"))
    assert page.status_code == 200
    assert page.content.count(b'data-testid="open-review"') == 2


def test_a_visit_dated_after_today_is_refused_in_the_users_words(facilitator, tmp_path):
    import datetime as dt

    from django.utils import timezone

    from ppaos.thai.thai_dates import fiscal_year_be

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    rows = [household(n) for n in range(1, 3)]
    rows[1][0]["surveyed_on"] = f"{tomorrow.day:02d}/{tomorrow.month:02d}/{tomorrow.year + 543}"
    rows[1][0]["fiscal_year"] = fiscal_year_be(tomorrow)  # the round is right: only the day
    job = run(facilitator, write_template_xlsx(tmp_path / "tomorrow.xlsx", rows))
    assert (job.created_count, job.rejected_count) == (1, 1)
    messages = [g["message_th"] for g in job.error_summary]
    assert any("วันที่เยี่ยมบ้านต้องไม่เป็นวันในอนาคต" in m for m in messages), messages
    assert Survey.objects.count() == 1


def test_refusals_are_worded_in_thai_and_in_english(facilitator, tmp_path):
    """The error report has a Thai and an English column: the services' own refusals (asked
    again in English, in a savepoint rolled back) and the checksum's fill both, and the refused
    household leaves nothing behind."""
    from tests.imports.files import bad_checksum

    first = household(1)
    run(facilitator, write_template_xlsx(tmp_path / "one.xlsx", [first]))
    second, third = household(2), household(3)
    second[1][1]["national_id"] = first[1][1]["national_id"]  # lives in household 1 already
    third[1][1]["national_id"] = bad_checksum(third[1][1]["national_id"])
    persons = Person.objects.count()
    for dry_run in (True, False):
        job = run(facilitator, write_template_xlsx(tmp_path / "two.xlsx", [second, third]),
                  dry_run=dry_run)  # fmt: skip
        assert job.rejected_count == 2
        groups = {g["code"]: g for g in job.error_summary}
        refused, checksum = groups["refused"], groups["national_id"]
        assert "ครัวเรือนอื่น" in refused["message_th"]
        assert "household" in refused["message_en"] and refused["message_en"].isascii()
        assert checksum["message_en"].isascii() and not checksum["message_th"].isascii()
    assert Person.objects.count() == persons
    assert Household.objects.count() == 1
