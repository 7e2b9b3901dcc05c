"""Help referrals (DESIGN.md §2 referrals/): the catalogue of agencies and services, referrals
with their one state machine (`transitions.py`), the history of every transition (notices are
ppaos.notifications, sent by `notices.py`) and the facilitator's follow-up that closes the loop."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ppaos.areas.models import Area
from ppaos.core.models import PublicIdModel, TimeStampedModel

from . import routing, transitions


class AgencyKind(models.TextChoices):
    GOVERNMENT_OFFICE = "government_office", _("Government office")  # provincial/district office
    LOCAL_ADMINISTRATION = (
        "local_administration",
        _("Local administrative organisation"),
    )  # TAO (อบต.), municipality (เทศบาล), PAO (อบจ.)
    NGO = "ngo", _("Non-governmental organisation")  # foundations, associations
    PRIVATE = "private", _("Private sector")  # companies, state banks acting commercially


class Capital(models.TextChoices):
    """The five livelihood capitals (DOMAIN.md §2.2) a service builds."""

    HUMAN = "human", _("Human capital")
    PHYSICAL = "physical", _("Physical capital")
    FINANCIAL = "financial", _("Financial capital")
    NATURAL = "natural", _("Natural capital")
    SOCIAL = "social", _("Social capital")


class ServiceKind(models.TextChoices):
    """The kind of help a service gives; routing (`routing.py`) suggests services by kind."""

    WELFARE = routing.WELFARE, _("Welfare allowance")
    RELIEF = routing.RELIEF, _("Emergency relief")
    HEALTH = routing.HEALTH, _("Health")
    HOUSING = routing.HOUSING, _("Housing")
    EDUCATION = routing.EDUCATION, _("Education")
    OCCUPATION = routing.OCCUPATION, _("Occupation and skills")
    EMPLOYMENT = routing.EMPLOYMENT, _("Employment")
    DEBT = routing.DEBT, _("Debt")
    AGRICULTURE = routing.AGRICULTURE, _("Agriculture")
    MARKET = routing.MARKET, _("Market linkage")


class Agency(PublicIdModel):
    """An organisation that gives help. Its staff are role assignments (agency staff → agency)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=AgencyKind.choices)
    # The areas it serves (any level); a household is served when one of them contains its village.
    areas_served = models.ManyToManyField(
        Area, related_name="agencies", verbose_name=_("areas served")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name_th


class Service(PublicIdModel):
    """One kind of help an agency gives, with who is eligible and how long it usually takes."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="services", verbose_name=_("agency")
    )
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind of help"), max_length=16, choices=ServiceKind.choices)
    capital = models.CharField(_("capital addressed"), max_length=12, choices=Capital.choices)
    eligibility_note = models.TextField(_("eligibility"), blank=True)
    expected_days = models.PositiveSmallIntegerField(
        _("expected days to act"),
        help_text=_("How many days the agency usually needs to act on a referral."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency__name_th", "name_th"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                name="service_expected_days_positive", condition=Q(expected_days__gte=1)
            )
        ]

    def __str__(self) -> str:
        return self.name_th


class ReferralStatus(models.TextChoices):
    DRAFT = transitions.State.DRAFT, _("Draft")  # being written by the facilitator
    SUBMITTED = transitions.State.SUBMITTED, _("Submitted")  # waiting for the provincial officer
    APPROVED = transitions.State.APPROVED, _("Approved")  # sent to the agency, not yet accepted
    REJECTED = transitions.State.REJECTED, _("Rejected")  # the officer refused it (reason given)
    ACCEPTED = transitions.State.ACCEPTED, _("Accepted")  # the agency will act
    DECLINED = transitions.State.DECLINED, _("Declined")  # the agency cannot act: officer re-routes
    IN_PROGRESS = transitions.State.IN_PROGRESS, _("In progress")  # the agency is acting
    COMPLETED = transitions.State.COMPLETED, _("Completed")  # done, with an outcome
    CANCELLED = transitions.State.CANCELLED, _("Cancelled")  # withdrawn (reason given)


class Urgency(models.TextChoices):
    URGENT = transitions.Urgency.URGENT, _("Urgent")  # a third of the service's usual time
    HIGH = transitions.Urgency.HIGH, _("High")  # half the usual time
    NORMAL = transitions.Urgency.NORMAL, _("Normal")  # the usual time


class Referral(PublicIdModel):
    """A household's need sent to the service that can meet it.

    `status` changes only through `services.py`, which checks `transitions.TRANSITIONS` and writes
    a `ReferralTransition` each time. `area` is the household's village (copied, so the policy
    scopes by prefix); `agency` is the service's agency when it was last routed.
    """

    household = models.ForeignKey(
        "households.Household",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("household"),
    )
    # The member the help is for, when it is for one person (an allowance, a scholarship).
    person = models.ForeignKey(
        "households.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("person"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("village")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("agency")
    )
    need = models.TextField(_("need"), help_text=_("What the household needs, in plain words."))
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why this household needs it (seen by officers, not by the agency)."),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_proposed",
        verbose_name=_("proposed by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Counted from when the referral went to the agency (approval or re-route).
    due_on = models.DateField(_("due on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    help_value = models.DecimalField(
        _("value of help (baht)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["status", "area"], name="referral_status_area_idx"),
            models.Index(fields=["agency", "status"], name="referral_agency_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="referral_completed_has_outcome",
                condition=~Q(status="completed") | ~Q(outcome=""),
            ),
            models.CheckConstraint(
                name="referral_help_value_not_negative",
                condition=Q(help_value__isnull=True) | Q(help_value__gte=0),
            ),
        ]

    def __str__(self) -> str:
        # No names here: this string goes into the audit log.
        return f"{_('Referral')} {str(self.public_id)[:8]} · {self.status}"

    @property
    def is_overdue(self) -> bool:
        return transitions.is_overdue(self.status, self.due_on, timezone.localdate())

    @property
    def is_final(self) -> bool:
        return self.status in transitions.FINAL_STATES


class ReferralTransition(TimeStampedModel):
    """One change of a referral's state: who, when, from, to, and the note (reason, outcome).
    Append-only: written by services, never edited."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="history", verbose_name=_("referral")
    )
    # Empty for the row that records the referral's creation as a draft.
    from_status = models.CharField(
        _("from"), max_length=12, choices=ReferralStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=ReferralStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    # The agency the referral went to at this step (approval and re-route name it).
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["referral_id", "created_at", "id"]
        verbose_name = _("referral transition")
        verbose_name_plural = _("referral history")

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


# The longest progress note: the form's limit and the service's check (one constant).
PROGRESS_NOTE_MAX = 2000


class ReferralProgressNote(TimeStampedModel):
    """What the agency did so far on a referral it is working on (a visit made, papers sent).
    Append-only: written by `services.add_progress_note`, never edited; shown in the referral's
    history to whoever may see the referral."""

    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        related_name="progress_notes",
        verbose_name=_("referral"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    text = models.TextField(_("progress note"))

    class Meta:
        ordering = ["referral_id", "created_at", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        constraints = [
            models.CheckConstraint(name="progress_note_not_empty", condition=~Q(text=""))
        ]

    def __str__(self) -> str:
        # No text here: this string goes into the audit log.
        return f"{_('Progress note')} {self.pk}"


class HelpArrived(models.TextChoices):
    YES = "yes", _("Yes, the help arrived")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No, it did not arrive")


class HelpEffect(models.TextChoices):
    HELPED = "helped", _("It helped")
    SOMEWHAT = "somewhat", _("It helped a little")
    DID_NOT_HELP = "did_not_help", _("It did not help")
    TOO_EARLY = "too_early", _("Too early to say")


class ReferralFollowUp(TimeStampedModel):
    """The facilitator's answer, at the next survey, to "did the help arrive, and did it help?"."""

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="follow_up", verbose_name=_("referral")
    )
    arrived = models.CharField(_("did the help arrive?"), max_length=8, choices=HelpArrived.choices)
    effect = models.CharField(_("did it help?"), max_length=14, choices=HelpEffect.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral follow-up")
        verbose_name_plural = _("referral follow-ups")

    def __str__(self) -> str:
        return f"{self.arrived} / {self.effect}"
