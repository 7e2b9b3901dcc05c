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
        3, 0, 0, 0,
    )
    assert Survey.objects.filter(status=SurveyStatus.SUBMITTED).count() == 3
    assert Membership.objects.count() == 9
    assert review_queue_for(area_manager).count() == 3
