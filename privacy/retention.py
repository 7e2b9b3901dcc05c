"""Retention (PDPA s.23(3) tells people how long, s.37(3) asks that data past it be removed):
each kind of record is kept for RETENTION_DAYS[kind] days (settings, environment-overridable,
explained in the README), then anonymised or deleted by the nightly beat task. `plan()` is the
dry run: what the task would remove today, with counts, and nothing changed.

Kinds and what happens at the end of the period:
- exited_persons: anonymised like an erasure (anonymise_person), memberships and surveys kept for
  the statistics; never while the person is in an active household or a referral is open.
- import_files: the upload and the error report deleted; the job's row and counts kept.
- access_exports: the xlsx copy made for an access request deleted; the request (the s.39
  record of what was asked and answered) kept.
- audit_events: deleted, and only these rows, only past their own period (the database trigger
  refuses younger rows, and any under a year).
Each kind runs in its own transactions and writes one audit row of counts (no personal data).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import DateField, Exists, Max, OuterRef, Q
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import HouseholdStatus, Membership, Person
from ppaos.audit.models import AuditEvent
from ppaos.audit.services import purge_audit_events_before, record_audit_event
from ppaos.imports.selectors import jobs_with_files_finished_before
from ppaos.imports.services import expire_job_files

from .models import DataSubjectRequest, ExportStatus
from .services import ERASED_NAME, anonymise_person

KINDS = {
    "exited_persons": (_("Registry persons who left every household"), _("will be anonymised")),
    "import_files": (_("Uploaded import files and error reports"), _("files will be deleted")),
    "access_exports": (_("Copies made for access requests"), _("files will be deleted")),
    "audit_events": (_("Audit log rows"), _("will be deleted")),
}


@dataclass(frozen=True)
class KindPlan:
    kind: str
    label: str
    action: str
    days: int
    cutoff: dt.date
    count: int


def retention_days() -> dict[str, int]:
    days = dict(settings.RETENTION_DAYS)
    days["audit_events"] = max(365, days["audit_events"])  # the database's floor too
    return days


def _cutoff_datetime(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _cutoffs(today: dt.date) -> dict[str, dt.date]:
    return {kind: today - dt.timedelta(days=days) for kind, days in retention_days().items()}


def exited_persons_before(cutoff: dt.date, area_prefixes=None):
    """Persons with no current membership of an active household, not yet anonymised, whose
    last membership ended (or whose household moved or dissolved) before `cutoff`, and with no
    open referral for a household they were in."""
    from referrals.models import Referral, ReferralStatus

    current = Membership.objects.filter(
        person=OuterRef("pk"), left_on__isnull=True, household__status=HouseholdStatus.ACTIVE
    )
    open_referral = Referral.objects.filter(household__memberships__person=OuterRef("pk")).exclude(
        status__in=[
            ReferralStatus.COMPLETED,
            ReferralStatus.REJECTED,
            ReferralStatus.CANCELLED,
            ReferralStatus.DRAFT,
        ]
    )
    persons = (
        Person.objects.filter(memberships__isnull=False)
        .exclude(Exists(current))
        .exclude(Exists(open_referral))
        .exclude(first_name=ERASED_NAME, national_id__startswith="0")
        .annotate(
            exited_on=Max(
                Coalesce(
                    "memberships__left_on",
                    Cast("memberships__household__updated_at", DateField()),
                )
            )
        )
        .filter(exited_on__lt=cutoff)
    )
    if area_prefixes is not None:
        area_filter = Q()
        for prefix in area_prefixes:
            area_filter |= Q(memberships__household__area__code__startswith=prefix)
        persons = persons.filter(area_filter)
    return persons.distinct()


def _access_exports_before(cutoff: dt.date, area_prefixes=None):
    rows = DataSubjectRequest.objects.exclude(export_file="").filter(
        created_at__lt=_cutoff_datetime(cutoff)
    )
    if area_prefixes is not None:
        area_filter = Q()
        for prefix in area_prefixes:
            area_filter |= Q(area__code__startswith=prefix)
        rows = rows.filter(area_filter)
    return rows


def plan(*, today: dt.date | None = None, area_prefixes=None) -> list[KindPlan]:
    """The dry run: per kind, its period, the cutoff date and how many records the task would
    anonymise or delete today. `area_prefixes` limits the kinds that have an area (persons,
    access exports) to those areas; import files and audit rows are counted system-wide."""
    today = today or timezone.localdate()
    cutoffs = _cutoffs(today)
    counts = {
        "exited_persons": exited_persons_before(cutoffs["exited_persons"], area_prefixes).count(),
        "import_files": jobs_with_files_finished_before(
            _cutoff_datetime(cutoffs["import_files"])
        ).count(),
        "access_exports": _access_exports_before(cutoffs["access_exports"], area_prefixes).count(),
        "audit_events": AuditEvent.objects.filter(
            created_at__lt=_cutoff_datetime(cutoffs["audit_events"])
        ).count(),
    }
    days = retention_days()
    return [
        KindPlan(kind, str(label), str(action), days[kind], cutoffs[kind], counts[kind])
        for kind, (label, action) in KINDS.items()
    ]


def _expire_access_exports(cutoff: dt.date) -> int:
    done = 0
    for request in _access_exports_before(cutoff).order_by("pk"):
        with transaction.atomic():
            request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
            name, storage = request.export_file.name, request.export_file.storage
            DataSubjectRequest.objects.filter(pk=request.pk).update(
                export_file="", export_status=ExportStatus.EXPIRED
            )
            record_audit_event(actor=None, action="privacy.export_expired", target=request)
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        done += 1
    return done


def _anonymise_exited(cutoff: dt.date) -> int:
    from households.services import record_area_of

    done = 0
    for pk in exited_persons_before(cutoff).values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=pk)
            # Checked again under the lock: a person may have joined a household meanwhile.
            if not exited_persons_before(cutoff).filter(pk=pk).exists():
                continue
            anonymise_person(
                actor=None, person=person, area_code=record_area_of(person), reason="retention"
            )
        done += 1
    return done


def apply_retention(*, today: dt.date | None = None) -> dict[str, int]:
    """Anonymise or delete what is past its period (see the module doc); returns the counts.
    Idempotent: a second run the same day finds nothing more. Called by the beat task and by
    `manage.py retention --apply`."""
    today = today or timezone.localdate()
    cutoffs = _cutoffs(today)
    counts = {
        "exited_persons": _anonymise_exited(cutoffs["exited_persons"]),
        "import_files": expire_job_files(finished_before=_cutoff_datetime(cutoffs["import_files"])),
        "access_exports": _expire_access_exports(cutoffs["access_exports"]),
    }
    # Last, and alone: the rows the other kinds just wrote are young and stay.
    counts["audit_events"] = purge_audit_events_before(_cutoff_datetime(cutoffs["audit_events"]))
    record_audit_event(
        actor=None,
        action="privacy.retention_applied",
        details={**counts, "today": today.isoformat()},
    )
    return counts
