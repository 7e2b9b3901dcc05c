"""The copy given on an access request (PDPA s.30): a Thai xlsx built by the worker, holding
every kind of record about the person, with formulas neutralised."""

import io

import pytest
from openpyxl import load_workbook

from households.models import Membership
from households.services import record_person_viewed
from privacy.access_export import SHEETS, build_access_export
from privacy.models import DataSubjectRequest, ExportStatus, RequestKind
from tests.factories import RegistrantFactory
from tests.privacy.privacy_helpers import classified_household_with_disabled_member, logged_request


def _sheets(request):
    request.refresh_from_db()
    assert request.export_status == ExportStatus.READY
    with request.export_file.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()), read_only=True)


def _texts(book, key):
    return [list(row) for row in book[SHEETS[key]].iter_rows(values_only=True)]


@pytest.mark.django_db
def test_the_export_holds_every_kind_of_record_in_thai(
    facilitator, area_manager, provincial_officer, make_referral
):
    home, person = classified_household_with_disabled_member(facilitator, area_manager)
    make_referral("completed", household=home)
    RegistrantFactory(national_id=person.national_id, phone="=HYPERLINK(1)")
    record_person_viewed(actor=facilitator, person=person, area_code=home.area_id)
    request = logged_request(provincial_officer, person, RequestKind.ACCESS)
    build_access_export(request.pk)

    book = _sheets(request)

    assert book.sheetnames == list(SHEETS.values())
    assert ["เลขประจำตัวประชาชน", person.national_id] in _texts(book, "person")
    registry = _texts(book, "registry")
    assert registry[1][3] == "=HYPERLINK(1)"  # read back as text, not a formula
    assert len(_texts(book, "households")) == 2
    assert len(_texts(book, "surveys")) == 2
    answers = _texts(book, "answers")
    assert any(row[1] == "ทุนการดำรงชีพ" for row in answers)
    assert any(row[1] == "ความจำเป็นพื้นฐาน (จปฐ.)" and row[4] == "ใช่" for row in answers)
    classification = _texts(book, "classification")
    assert len(classification) == 2 and classification[1][1]
    referrals = _texts(book, "referrals")
    assert referrals[0][0] == "บริการ" and len(referrals) == 2
    assert referrals[1][4] == "ได้รับเบี้ยยังชีพเดือนละ 600 บาท"
    reads = _texts(book, "reads")
    assert any(row[2] == "person.viewed" for row in reads), reads
    assert any(row[2] == "survey.verified" or row[3] == "households.household" for row in reads)


@pytest.mark.django_db(transaction=True)
def test_logging_an_access_request_has_the_worker_build_the_export(
    celery_worker, facilitator, provincial_officer
):
    import time

    from tests.factories import household_with_head

    person = Membership.objects.get(household=household_with_head()).person
    request = logged_request(provincial_officer, person, RequestKind.ACCESS)

    for _ in range(120):
        status = DataSubjectRequest.objects.get(pk=request.pk).export_status
        if status != ExportStatus.PENDING:
            break
        time.sleep(0.5)
    book = _sheets(request)
    assert SHEETS["reads"] in book.sheetnames
    assert request.export_file.name.startswith("privacy/exports/")
