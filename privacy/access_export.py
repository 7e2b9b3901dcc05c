"""The copy of everything held about a person (PDPA s.30), as a Thai xlsx.

One sheet per kind of record; every text cell that starts like a formula (= + - @ tab CR) is
written as text, so the file runs nothing when opened.
"""

import tempfile

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation

from households.models import (
    CapitalAnswer,
    ClassificationResult,
    Household,
    IndicatorAnswer,
    Membership,
    Person,
    Survey,
    WelfareRegistrant,
)
from ppaos.audit.models import AuditEvent
from ppaos.core.display import format_datetime
from ppaos.core.xlsx_cells import text_cell

from .models import DataSubjectRequest, ExportStatus

SHEETS = {
    "person": "ข้อมูลบุคคล",
    "registry": "ทะเบียนสวัสดิการ",
    "households": "ครัวเรือนและสมาชิก",
    "surveys": "แบบสำรวจ",
    "answers": "คำตอบแบบสำรวจ",
    "classification": "การจำแนกระดับ",
    "referrals": "การส่งต่อความช่วยเหลือ",
    "reads": "ผู้เข้าดูข้อมูล",
}


def _cell(sheet, value):
    if value is None:
        value = ""
    if hasattr(value, "year"):  # the export is in Thai: the one display rule, Buddhist era
        value = format_datetime(value, "th")
    return text_cell(sheet, value if isinstance(value, int | float) else str(value))


def _append(sheet, row):
    sheet.append([_cell(sheet, value) for value in row])


def write_access_export(request: DataSubjectRequest) -> bytes:
    from openpyxl import Workbook

    from referrals.models import Referral

    person = Person.objects.get(pk=request.person_id)
    memberships = list(
        Membership.objects.filter(person=person).select_related("household__area").order_by("id")
    )
    household_ids = [m.household_id for m in memberships]
    workbook = Workbook(write_only=True)

    sheet = workbook.create_sheet(SHEETS["person"])
    _append(sheet, ["รายการ", "ข้อมูล"])
    for label, value in [
        ("เลขประจำตัวประชาชน", person.national_id),
        ("คำนำหน้า", person.title),
        ("ชื่อ", person.first_name),
        ("นามสกุล", person.last_name),
        ("วันเกิด", person.birth_date),
        ("เพศ", person.get_sex_display()),
        ("การศึกษา", person.education),
        ("อาชีพ", person.occupation),
        ("ถือบัตรสวัสดิการแห่งรัฐ", "ใช่" if person.welfare_card_holder else "ไม่ใช่"),
        ("ความพิการ", "มี" if person.has_disability else "ไม่มี"),
        ("โรคเรื้อรัง", "มี" if person.has_chronic_illness else "ไม่มี"),
        ("ติดเตียง", "ใช่" if person.is_bedridden else "ไม่ใช่"),
    ]:
        _append(sheet, [label, value])

    sheet = workbook.create_sheet(SHEETS["registry"])
    _append(
        sheet, ["ที่อยู่ (บ้านเลขที่)", "หมู่ที่", "รหัสพื้นที่", "โทรศัพท์", "รายได้ต่อปี", "สถานะบัตร", "วันที่ลงทะเบียน"]
    )
    for row in WelfareRegistrant.objects.filter(national_id=person.national_id).order_by("id"):
        _append(
            sheet,
            [
                row.house_number,
                row.village_number,
                row.area_id,
                row.phone,
                row.annual_income,
                row.card_status,
                row.registration_date,
            ],
        )

    sheet = workbook.create_sheet(SHEETS["households"])
    _append(
        sheet, ["บ้านเลขที่", "หมู่บ้าน", "ความสัมพันธ์กับหัวหน้า", "เข้าเป็นสมาชิก", "ออกจากครัวเรือน", "เหตุที่ออก"]
    )
    for m in memberships:
        _append(
            sheet,
            [
                m.household.house_number,
                m.household.area.name_th,
                m.get_relation_display(),
                m.joined_on,
                m.left_on,
                m.left_reason,
            ],
        )

    surveys = list(
        Survey.objects.filter(household_id__in=household_ids).order_by("fiscal_year", "id")
    )
    sheet = workbook.create_sheet(SHEETS["surveys"])
    _append(
        sheet,
        [
            "รอบปีงบประมาณ",
            "วันที่สำรวจ",
            "สถานะ",
            "ฐานทางกฎหมาย",
            "ยินยอมข้อมูลสุขภาพ/ความพิการ",
            "ผู้ให้ความยินยอม",
            "ความต้องการ",
        ],
    )
    for s in surveys:
        _append(
            sheet,
            [
                s.fiscal_year,
                s.surveyed_on,
                s.get_status_display(),
                s.get_lawful_basis_display(),
                "ใช่" if s.sensitive_consent else "ไม่ใช่",
                s.consent_given_by,
                s.needs_note,
            ],
        )

    sheet = workbook.create_sheet(SHEETS["answers"])
    _append(sheet, ["รอบ", "ประเภท", "คำถาม / ตัวชี้วัด", "คำตอบ", "ของสมาชิกคนนี้"])
    survey_ids = [s.pk for s in surveys]
    round_of = {s.pk: s.fiscal_year for s in surveys}
    for a in CapitalAnswer.objects.filter(survey_id__in=survey_ids).select_related("item"):
        _append(sheet, [round_of[a.survey_id], "ทุนการดำรงชีพ", a.item.text_th, a.score, ""])
    for a in (
        IndicatorAnswer.objects.filter(survey_id__in=survey_ids)
        .select_related("indicator")
        .order_by("survey_id", "indicator__number", "id")
    ):
        _append(
            sheet,
            [
                round_of[a.survey_id],
                "ความจำเป็นพื้นฐาน (จปฐ.)",
                a.indicator.text_th,
                a.get_result_display(),
                "ใช่" if a.person_id == person.pk else "",
            ],
        )

    sheet = workbook.create_sheet(SHEETS["classification"])
    _append(sheet, ["รอบ", "ระดับ", "คะแนนรวม", "มิติที่ไม่ผ่าน", "เหตุผล"])
    for r in ClassificationResult.objects.filter(household_id__in=household_ids):
        reasons = "; ".join(item.get("reason_th", "") for item in r.low_items)
        _append(
            sheet,
            [
                r.fiscal_year,
                r.get_level_display(),
                r.overall_score,
                ", ".join(r.failed_dimensions),
                reasons,
            ],
        )

    sheet = workbook.create_sheet(SHEETS["referrals"])
    _append(sheet, ["บริการ", "หน่วยงาน", "สถานะ", "เหตุผล", "ผลการช่วยเหลือ", "วันที่สร้าง"])
    for ref in Referral.objects.filter(household_id__in=household_ids).select_related(
        "service", "agency"
    ):
        _append(
            sheet,
            [
                ref.service.name_th,
                ref.agency.name_th,
                ref.get_status_display(),
                ref.reason,
                ref.outcome,
                ref.created_at,
            ],
        )

    sheet = workbook.create_sheet(SHEETS["reads"])
    _append(sheet, ["เมื่อ", "ผู้ใช้", "การกระทำ", "ระเบียน"])
    targets = [str(person.public_id)] + [
        str(public_id)
        for public_id in Household.objects.filter(pk__in=household_ids).values_list(
            "public_id", flat=True
        )
    ]
    for event in AuditEvent.objects.filter(object_id__in=targets).select_related("actor"):
        who = event.actor.get_full_name() or event.actor.username if event.actor else ""
        _append(sheet, [event.created_at, who, event.action, event.object_type])

    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        return handle.read()


def build_access_export(request_id: int) -> None:
    """Task body: write the export and store it under a random name. Idempotent: a second run
    replaces the file."""
    request = DataSubjectRequest.objects.get(pk=request_id)
    with translation.override("th"):
        try:
            content = write_access_export(request)
        except Exception:
            DataSubjectRequest.objects.filter(pk=request_id).update(
                export_status=ExportStatus.FAILED
            )
            raise
    with transaction.atomic():
        request = DataSubjectRequest.objects.select_for_update().get(pk=request_id)
        if request.export_file:
            request.export_file.delete(save=False)
        request.export_file.save("export.xlsx", ContentFile(content), save=False)
        request.export_status = ExportStatus.READY
        request.save(update_fields=["export_file", "export_status", "updated_at"])
