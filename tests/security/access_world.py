"""The world the access matrix and the schema fuzzing run in: one user per role, and one record of
each kind in each area relation to those users, built once per test module.

Areas (relations are named from the facilitator's seat, subdistrict 490101):

    own_subdistrict        49010101  village in 490101 (facilitator), district 4901 (manager)
    neighbour_subdistrict  49010201  village in 490102, same district 4901
    neighbour_district     49020101  village in 490201, district 4902, same province 49
    other_province         48010101  village in 480101, province 48 (Nakhon Phanom)

Users: facilitator 490101, area manager 4901, provincial officer 49, agency staff of agency X
(serves 49), executive 49, admin (whole country), a user with no assignment, anonymous.

Records are built through the real services where a state matters (surveys, referrals), by a
builder user who is not in the matrix. Everything is created inside one transaction that the
module fixture rolls back, and every request of the matrix runs in a savepoint of its own, so a
write that succeeds changes nothing for the next case.
"""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.test import Client

from ppaos.accounts.models import Role, RoleAssignment, User
from ppaos.accounts.policy import forget_assignments
from ppaos.areas.models import Area, AreaLevel
from tests.factories import (
    PersonFactory,
    RegistrantFactory,
    UserFactory,
    assign,
    household_with_head,
)

AREAS = {
    "own_subdistrict": "49010101",
    "neighbour_subdistrict": "49010201",
    "neighbour_district": "49020101",
    "other_province": "48010101",
}

# user key -> (role, area code); `None` = anonymous. Agency staff hold their agency, not an area.
USERS: dict[str, tuple[str | None, str | None] | None] = {
    "facilitator": (Role.FACILITATOR, "490101"),
    "area_manager": (Role.AREA_MANAGER, "4901"),
    "provincial_officer": (Role.PROVINCIAL_OFFICER, "49"),
    "agency_staff": (Role.AGENCY_STAFF, None),
    "executive": (Role.EXECUTIVE, "49"),
    "admin": (Role.ADMIN, None),
    "no_assignment": (None, None),
    "anonymous": None,
}

# Kinds of record and the relations each is built in.
AREA_KINDS = (
    "household",
    "person",
    "registrant",
    "survey",
    "referral",
    "duplicate",
    "transfer",
    "area",
    "data_request",
    "breach",
    "plan",
    "project",
    "plan_pdf",
    "report",
)
RELATIONS = {
    **{kind: tuple(AREAS) for kind in AREA_KINDS},
    "agency_referral": ("own_agency", "other_agency"),
    "notification": ("own", "someone_else"),
    "import_job": ("any",),
    "import_kind": ("any",),
    "agency": ("any",),
    "service": ("any",),
    "user_account": ("any",),
}


_SURNAME_ROLE = {
    "head": "หัว",
    "lead": "ทะเบียน",
    "surveyed": "สำรวจ",
    "duplicate": "ซ้ำ",
    "moved": "ย้าย",
}


def surname(role: str, village: str) -> str:
    """A last name that says where its person lives, and is no prefix of another: pages and
    answers can be searched for names that must not be there."""
    return f"ทดสอบ{_SURNAME_ROLE[role]}{village}จบ"


@dataclass
class Record:
    """A built record and the URL parameters that address it (by every name routes use)."""

    obj: object
    params: dict = field(default_factory=dict)


@dataclass
class World:
    users: dict
    records: dict  # (kind, relation) -> Record
    agency: object  # the agency staff's agency (X)

    def record(self, kind: str, relation: str, user=None) -> Record:
        if kind == "notification":
            return self._notification(relation, user)
        return self.records[(kind, relation)]

    def _notification(self, relation: str, user) -> Record:
        """A notice for `user` (own) or for the builder (someone else's), made on demand."""
        from django.utils import timezone

        from ppaos.notifications.models import Notice
        from referrals import notices

        recipient = user if relation == "own" and user is not None else self.users["_builder"]
        referral = self.records[("agency_referral", "own_agency")].obj
        notice, _ = Notice.objects.get_or_create(
            recipient=recipient,
            kind=notices.TO_ACCEPT,
            subject=notices.subject_of(referral),
            day=timezone.localdate(),
            defaults={"url": notices.agency_url(referral)},
        )
        return Record(notice, {"notice_id": notice.pk})


def _ensure_reference_data():
    """Official areas and the survey instrument: a transactional test's flush may remove them."""
    from django.apps import apps

    from ppaos.areas.services import load_official_areas

    if not Area.objects.filter(code="49").exists():
        load_official_areas()
    from households.models import SurveyInstrument

    if not SurveyInstrument.objects.filter(is_current=True).exists():
        _load_survey_instrument(apps)
    for code in AREAS.values():
        Area.objects.get_or_create(
            code=code,
            defaults={"level": AreaLevel.VILLAGE, "parent_id": code[:6], "name_th": f"บ้าน{code}"},
        )


def _load_survey_instrument(apps) -> None:
    """The data migration's loader."""
    from households.surveys.instrument_loader import load_instrument_v1

    load_instrument_v1(apps)


def _start_survey(builder, household):
    """Open this round's survey through the API (the URL outlives any module move)."""
    from households.models import Survey

    client = Client()
    client.force_login(builder)
    response = client.post("/api/v1/surveys/", {"household": str(household.public_id)})
    assert response.status_code == 201, response.content
    return Survey.objects.get(public_id=response.json()["id"])


def _users(agency) -> dict:
    users = {}
    for key, spec in USERS.items():
        if spec is None:
            users[key] = None
            continue
        role, area = spec
        user = UserFactory(username=f"matrix_{key}")
        if role == Role.AGENCY_STAFF:
            RoleAssignment.objects.get_or_create(user=user, role=role, agency=agency)
            forget_assignments(user)
        elif role is not None:
            assign(user, role, area)
        users[key] = user
    builder = UserFactory(username="matrix_builder")
    for role in (Role.FACILITATOR, Role.PROVINCIAL_OFFICER, Role.ADMIN):
        for area in ("49", "48") if role != Role.ADMIN else (None,):
            assign(builder, role, area)
    users["_builder"] = builder
    return users


def _referral(builder, household, service, *, approved: bool):
    from referrals import services as referral_services

    referral = referral_services.propose_referral(
        builder,
        household=household,
        service=service,
        need="ต้องการเบี้ยยังชีพ",
        reason="คะแนนทุนการเงินต่ำ",
        urgency="normal",
        contact_phone="0812345678",
        submit=True,
    )
    if approved:
        referral = referral_services.approve_referral(builder, referral=referral, note="")
    return referral


def _transfer(builder, household, village):
    """A pending request to move a person who lived last in `village` (in no household now)
    into `household` of the same village: both sides lie in one area relation, so scoping by
    either side gives the same answer. The fields are those `_request_person_transfer`
    (households/services.py) records for a refused link."""
    import datetime

    from households.models import Membership, PersonTransferRequest, Relation

    person = PersonFactory(last_name=surname("moved", village))
    Membership.objects.create(
        household=household,
        person=person,
        relation=Relation.CHILD,
        joined_on=datetime.date(2020, 1, 1),
        left_on=datetime.date(2024, 1, 1),
        left_reason="ย้ายออก",
    )
    return PersonTransferRequest.objects.create(
        person=person,
        from_area_id=village,
        to_area_id=village,
        to_household=household,
        relation=Relation.CHILD,
        requested_by=builder,
    )


def _data_request(builder, person, village) -> Record:
    """An open access request with its export ready (privacy app), in `village`."""
    import datetime

    from privacy.models import DataSubjectRequest

    request = DataSubjectRequest(
        person=person,
        area_id=village,
        kind="access",
        received_on=datetime.date(2026, 1, 5),
        due_on=datetime.date(2026, 2, 4),
        identity_method="id_card_seen",
        identity_checked_by=builder,
        export_status="ready",
    )
    request.export_file.save("export.xlsx", ContentFile(b"PK"), save=False)
    request.save()
    return Record(request, {"public_id": request.public_id})


def _breach(builder, village) -> Record:
    from django.utils import timezone

    from privacy.models import BreachReport

    report = BreachReport.objects.create(
        area_id=village, what_happened="ทดสอบ", found_at=timezone.now(), reported_by=builder
    )
    return Record(report, {"public_id": report.public_id})


def _master_plan(builder, village):
    from masterplans.models import MasterPlan, Project

    plan = MasterPlan.objects.create(
        area_id=village, fiscal_year=2570, survey_round=2569, created_by=builder
    )
    project = Project.objects.create(
        plan=plan, title="โครงการทดสอบ", objective="ทดสอบ", carrier="community"
    )
    return plan, project


def _plan_pdf(builder, plan) -> Record:
    """A ready PDF of the printed plan, made for readers outside the village (small groups
    masked), so every role that reads the plan may fetch it."""
    from masterplans.models import PlanPdf

    pdf = PlanPdf(plan=plan, fingerprint="matrix", requested_by=builder, status="ready")
    pdf.file.save("plan.pdf", ContentFile(b"%PDF-1.4"), save=False)
    pdf.save()
    return Record(pdf, {"public_id": pdf.public_id})


def _monitoring_report(builder, village):
    from monitoring.models import Report, ReportStatus

    report = Report(
        requested_by=builder, area_id=village, fiscal_year=2569, status=ReportStatus.DONE
    )
    report.file.save("matrix-report.xlsx", ContentFile(b"PK"), save=False)
    report.save()
    return Record(report, {"public_id": report.public_id})


def build_world() -> World:
    """Build every user and record (call inside a transaction that is rolled back)."""
    from households.models import DuplicateCandidate, Membership
    from ppaos.imports.models import ImportJob
    from referrals.models import Agency, AgencyKind, Capital, Service, ServiceKind

    _ensure_reference_data()
    agency_x = Agency.objects.create(
        code="matrix-x", name_th="หน่วยงานเอ็กซ์", kind=AgencyKind.GOVERNMENT_OFFICE
    )
    agency_x.areas_served.add("49")
    agency_y = Agency.objects.create(
        code="matrix-y", name_th="หน่วยงานวาย", kind=AgencyKind.LOCAL_ADMINISTRATION, email=""
    )
    agency_y.areas_served.add("49", "48")
    service_x, service_y = (
        Service.objects.create(
            agency=agency,
            code=f"matrix-service-{agency.code}",
            name_th="เบี้ยยังชีพทดสอบ",
            kind=ServiceKind.WELFARE,
            capital=Capital.FINANCIAL,
            expected_days=30,
        )
        for agency in (agency_x, agency_y)
    )
    users = _users(agency_x)
    builder = users["_builder"]
    records = {}
    for relation, village in AREAS.items():
        household = household_with_head(village, last_name=surname("head", village))
        head = Membership.objects.get(household=household)
        records[("household", relation)] = Record(
            household,
            {
                "public_id": household.public_id,
                "id": household.public_id,
                "household_id": household.public_id,
                "membership_id": head.pk,
            },
        )
        person = head.person
        records[("person", relation)] = Record(
            person, {"public_id": person.public_id, "id": person.public_id}
        )
        registrant = RegistrantFactory(area_id=village, last_name=surname("lead", village))
        records[("registrant", relation)] = Record(
            registrant, {"public_id": registrant.public_id, "id": registrant.public_id}
        )
        survey = _start_survey(
            builder, household_with_head(village, last_name=surname("surveyed", village))
        )
        records[("survey", relation)] = Record(
            survey,
            {"survey_id": survey.public_id, "id": survey.public_id, "step": "consent"},
        )
        referral = _referral(builder, household, service_y, approved=False)
        records[("referral", relation)] = Record(
            referral, {"public_id": referral.public_id, "name": "approve"}
        )
        duplicate = DuplicateCandidate.objects.create(
            person=person,
            other_person=PersonFactory(last_name=surname("duplicate", village)),
            area_id=village,
        )
        records[("duplicate", relation)] = Record(duplicate, {"public_id": duplicate.public_id})
        transfer = _transfer(builder, household, village)
        records[("transfer", relation)] = Record(
            transfer, {"public_id": transfer.public_id, "id": transfer.public_id}
        )
        records[("area", relation)] = Record(Area.objects.get(code=village), {"code": village})
        records[("data_request", relation)] = _data_request(builder, person, village)
        records[("breach", relation)] = _breach(builder, village)
        plan, project = _master_plan(builder, village)
        records[("plan", relation)] = Record(plan, {"public_id": plan.public_id})
        records[("project", relation)] = Record(project, {"public_id": project.public_id})
        records[("plan_pdf", relation)] = _plan_pdf(builder, plan)
        records[("report", relation)] = _monitoring_report(builder, village)
    own_household = records[("household", "own_subdistrict")].obj
    for relation, service in (("own_agency", service_x), ("other_agency", service_y)):
        referral = _referral(builder, own_household, service, approved=True)
        records[("agency_referral", relation)] = Record(
            referral, {"public_id": referral.public_id, "name": "accept"}
        )
    job = ImportJob(
        created_by=builder,
        kind="welfare_registry",
        original_filename="registry.csv",
        headers=["เลขประจำตัวประชาชน"],
    )
    job.file.save("matrix-registry.csv", ContentFile(b"national_id\n"), save=False)
    job.error_report.save("matrix-errors.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    records[("import_job", "any")] = Record(job, {"public_id": job.public_id})
    records[("import_kind", "any")] = Record(None, {"kind": "welfare_registry"})
    records[("agency", "any")] = Record(agency_y, {"public_id": agency_y.public_id})
    records[("service", "any")] = Record(service_y, {"public_id": service_y.public_id})
    managed = User.objects.create_user(username="matrix-managed", password=None)
    records[("user_account", "any")] = Record(managed, {"public_id": managed.public_id})
    return World(users=users, records=records, agency=agency_x)
