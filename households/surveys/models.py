"""Surveys (DESIGN.md §2 households/): the instrument as versioned data, one survey per household
per round, its answers, the classification rule sets and the stored results.

The instrument (capital items, basic-needs indicators) and the rule sets are rows, loaded by data
migrations from Python data modules (households/surveys/instrument_v1.py). A survey points at the
instrument version it was answered with; a result points at the rule set it was computed with.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from households.models.registry import Household, Person
from ppaos.areas.models import Area
from ppaos.core.models import PublicIdModel, TimeStampedModel

from . import transitions as survey_transitions

__all__ = [
    "Capital",
    "Dimension",
    "IndicatorScope",
    "SurveyInstrument",
    "CapitalItem",
    "BasicNeedsIndicator",
    "ClassificationRuleSet",
    "SurveyStatus",
    "LawfulBasis",
    "Survey",
    "SurveyTransition",
    "SurveySourceKey",
    "CapitalAnswer",
    "IndicatorResult",
    "IndicatorAnswer",
    "SurveyAccounts",
    "NeedCategory",
    "SurveyNeed",
    "Level",
    "ClassificationResult",
    "ProgrammeEventKind",
    "ProgrammeEvent",
    "OfflineChangeStatus",
    "OfflineChange",
]


def _in_language(th: str, en: str) -> str:
    """Thai wording in Thai, English otherwise (instrument text is data, not a msgid)."""
    return th if (get_language() or "th").startswith("th") or not en else en


class Capital(models.TextChoices):
    HUMAN = "human", _("Human capital")
    PHYSICAL = "physical", _("Physical capital")
    FINANCIAL = "financial", _("Financial capital")
    NATURAL = "natural", _("Natural capital")
    SOCIAL = "social", _("Social capital")


class Dimension(models.TextChoices):
    HEALTH = "health", _("Health")
    LIVING = "living", _("Living standard")
    EDUCATION = "education", _("Education")
    INCOME = "income", _("Income")
    ACCESS = "access", _("Access to public services")


class IndicatorScope(models.TextChoices):
    HOUSEHOLD = "household", _("Household")  # asked once for the household
    MEMBER = "member", _("Member")  # asked per member it applies to (age, disability)


class SurveyInstrument(TimeStampedModel):
    """One version of the questionnaire. Versions are never edited once surveys use them."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    title_th = models.CharField(_("title (Thai)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey instrument")
        verbose_name_plural = _("survey instruments")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def title(self) -> str:
        return _in_language(self.title_th, self.title_en)


class CapitalItem(models.Model):
    """One livelihood-capital question, answered on a 1 (worst) – 4 (best) scale."""

    instrument = models.ForeignKey(
        SurveyInstrument, on_delete=models.PROTECT, related_name="capital_items"
    )
    code = models.CharField(_("code"), max_length=10)
    capital = models.CharField(_("capital"), max_length=10, choices=Capital.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    text_th = models.CharField(_("question (Thai)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300)
    # [[th, en] for scores 1, 2, 3, 4]
    options = models.JSONField(_("answer wording"))
    low_reason_th = models.CharField(_("reason when low (Thai)"), max_length=300)
    low_reason_en = models.CharField(_("reason when low (English)"), max_length=300)

    class Meta:
        ordering = ["instrument_id", "position"]
        verbose_name = _("capital item")
        verbose_name_plural = _("capital items")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="capital_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def text(self) -> str:
        return _in_language(self.text_th, self.text_en)

    @property
    def low_reason(self) -> str:
        return _in_language(self.low_reason_th, self.low_reason_en)

    def option_labels(self) -> list[tuple[int, str]]:
        return [(score, _in_language(th, en)) for score, (th, en) in enumerate(self.options, 1)]


class BasicNeedsIndicator(models.Model):
    """One basic-needs (จปฐ.) indicator behind a TPMAP dimension."""

    instrument = models.ForeignKey(
        SurveyInstrument, on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=10)
    number = models.PositiveSmallIntegerField(_("จปฐ. number"))
    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension.choices)
    scope = models.CharField(_("asked for"), max_length=10, choices=IndicatorScope.choices)
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    # A member flag that must be set for the indicator to apply ("disability"), or "".
    condition = models.CharField(_("only for members with"), max_length=20, blank=True)
    # Not asked: computed from the household accounts (indicator 22).
    derived = models.BooleanField(_("computed"), default=False)
    text_th = models.CharField(_("indicator (Thai)"), max_length=300)
    text_en = models.CharField(_("indicator (English)"), max_length=300)
    fail_reason_th = models.CharField(_("reason when failed (Thai)"), max_length=300)
    fail_reason_en = models.CharField(_("reason when failed (English)"), max_length=300)

    class Meta:
        ordering = ["instrument_id", "number"]
        verbose_name = _("basic-needs indicator")
        verbose_name_plural = _("basic-needs indicators")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="indicator_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    @property
    def text(self) -> str:
        return _in_language(self.text_th, self.text_en)

    @property
    def fail_reason(self) -> str:
        return _in_language(self.fail_reason_th, self.fail_reason_en)


class ClassificationRuleSet(TimeStampedModel):
    """Cut-points and which items count, as versioned data (surveys/classification.py)."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    # Lowest overall score of struggling, getting by, doing well (strings, exact decimals).
    cut_points = models.JSONField(_("cut-points"))
    # Capital item codes that count; empty: every item of the instrument counts.
    counted_items = models.JSONField(_("items that count"), default=list, blank=True)
    income_threshold = models.DecimalField(
        _("indicator 22 threshold (baht per person per year)"), max_digits=10, decimal_places=2
    )
    low_item_max_score = models.PositiveSmallIntegerField(default=2)
    low_item_limit = models.PositiveSmallIntegerField(default=5)
    is_current = models.BooleanField(_("current"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("classification rule set")
        verbose_name_plural = _("classification rule sets")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_rule_set"
            )
        ]

    def __str__(self) -> str:
        return f"rules v{self.version}"

    def as_rule(self):
        from households.surveys.classification import RuleSet

        return RuleSet(
            version=self.version,
            cut_points=tuple(self.cut_points),
            counted_items=frozenset(self.counted_items or ()),
            low_item_max_score=self.low_item_max_score,
            low_item_limit=self.low_item_limit,
        )


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being filled in; saved at any step
    SUBMITTED = "submitted", _("Submitted")  # complete; waiting for the area manager
    RETURNED = "returned", _("Returned")  # sent back with a comment; the facilitator corrects it
    VERIFIED = "verified", _("Verified")  # checked by the area manager; classified


class LawfulBasis(models.TextChoices):
    # PDPA s.24 bases a provincial registry relies on, and consent (s.19) where it does not.
    PUBLIC_TASK = "public_task", _("Public task (PDPA s.24(4))")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (PDPA s.24(6))")
    CONSENT = "consent", _("Consent (PDPA s.19)")


class Survey(PublicIdModel):
    """One household's survey in one round (fiscal year, Buddhist era)."""

    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="surveys",
        verbose_name=_("household"),
        db_index=False,  # survey_one_per_household_round's leading column indexes it
    )
    instrument = models.ForeignKey(
        SurveyInstrument, on_delete=models.PROTECT, related_name="surveys"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("round (fiscal year BE)"))
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    surveyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="surveys_done",
        verbose_name=_("surveyed by"),
    )
    surveyed_on = models.DateField(_("surveyed on"))
    # PDPA: notice at collection (s.23), the lawful basis (s.24), explicit consent for health or
    # disability data (s.26).
    notice_given = models.BooleanField(_("privacy notice given"), default=False)
    lawful_basis = models.CharField(
        _("lawful basis"), max_length=20, choices=LawfulBasis.choices, blank=True
    )
    sensitive_consent = models.BooleanField(
        _("explicit consent to record health and disability data"), default=False
    )
    consent_given_by = models.CharField(_("consent given by"), max_length=200, blank=True)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    welfare_card_in_household = models.BooleanField(
        _("someone in the household holds a state welfare card"), default=False
    )
    needs_note = models.TextField(_("other needs, in the household's words"), blank=True)
    last_step = models.CharField(max_length=20, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys_reviewed",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(_("comment from the reviewer"), blank=True)
    # Raised by every saved change (draft, submit, return, verify): a change made offline names
    # the version it was based on, and one based on an older version is not applied over newer
    # answers (households/offline/services.py).
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-fiscal_year", "-created_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["status", "fiscal_year"], name="survey_status_round_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "fiscal_year"], name="survey_one_per_household_round"
            ),
            models.CheckConstraint(
                name="survey_fiscal_year_be", condition=Q(fiscal_year__gte=2500)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.fiscal_year}"

    @property
    def policy_area_code(self) -> str:
        return self.household.area_id

    @property
    def is_editable(self) -> bool:
        """Whether answers may still be saved: the state table allows "edit" in this status."""
        return survey_transitions.allows(self.status, survey_transitions.EDIT)


class SurveyTransition(models.Model):
    """One change of a survey's state: who, when, from, to, and the comment."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=SurveyStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=SurveyStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.from_status or '—'} → {self.to_status}"


class SurveySourceKey(models.Model):
    """The key of a survey in the system it was imported from (the submission UUID of a
    KoboToolbox or ODK Central export): importing the same submission again finds this survey
    instead of making a second one."""

    key = models.CharField(_("submission key"), max_length=200, unique=True)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="source_keys")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("imported survey key")
        verbose_name_plural = _("imported survey keys")

    def __str__(self) -> str:
        return f"{self.key} → {self.survey_id}"


class CapitalAnswer(models.Model):
    survey = models.ForeignKey(  # capital_answer_unique's leading column indexes it
        Survey, on_delete=models.CASCADE, related_name="capital_answers", db_index=False
    )
    item = models.ForeignKey(CapitalItem, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["survey_id", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "item"], name="capital_answer_unique"),
            models.CheckConstraint(
                name="capital_answer_score_1_4", condition=Q(score__gte=1, score__lte=4)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.item_id}={self.score}"


class IndicatorResult(models.TextChoices):
    PASS = "pass", _("Passes")
    FAIL = "fail", _("Fails")
    NOT_APPLICABLE = "na", _("Not applicable")


class IndicatorAnswer(models.Model):
    """A basic-needs indicator for the household (person empty) or for one member."""

    survey = models.ForeignKey(  # indicator_answer_unique's leading column indexes it
        Survey, on_delete=models.CASCADE, related_name="indicator_answers", db_index=False
    )
    indicator = models.ForeignKey(BasicNeedsIndicator, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    result = models.CharField(_("result"), max_length=4, choices=IndicatorResult.choices)

    class Meta:
        ordering = ["survey_id", "indicator_id", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "indicator", "person"],
                name="indicator_answer_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.indicator_id} {self.person_id or 'hh'}={self.result}"


class SurveyAccounts(models.Model):
    """The household accounts: monthly income by source, monthly expenses (consumption and
    production), debt outstanding (formal and informal) and savings, in baht. Empty = not yet
    answered (a draft); 0 = none."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="accounts")
    income_farming = models.DecimalField(
        _("income from farming (per month)"), max_digits=12, decimal_places=2, null=True
    )
    income_wages = models.DecimalField(
        _("income from wages (per month)"), max_digits=12, decimal_places=2, null=True
    )
    income_business = models.DecimalField(
        _("income from own business or trade (per month)"),
        max_digits=12,
        decimal_places=2,
        null=True,
    )
    income_welfare = models.DecimalField(
        _("income from allowances and welfare (per month)"),
        max_digits=12,
        decimal_places=2,
        null=True,
    )
    income_remittances = models.DecimalField(
        _("money sent by family elsewhere (per month)"), max_digits=12, decimal_places=2, null=True
    )
    income_other = models.DecimalField(
        _("other income (per month)"), max_digits=12, decimal_places=2, null=True
    )
    expense_consumption = models.DecimalField(
        _("spending on living: food, bills, school (per month)"),
        max_digits=12,
        decimal_places=2,
        null=True,
    )
    expense_production = models.DecimalField(
        _("spending on work: seed, fertiliser, tools (per month)"),
        max_digits=12,
        decimal_places=2,
        null=True,
    )
    debt_formal = models.DecimalField(
        _("debt owed to banks, funds, cooperatives"), max_digits=12, decimal_places=2, null=True
    )
    debt_informal = models.DecimalField(
        _("debt owed to money lenders and others"), max_digits=12, decimal_places=2, null=True
    )
    savings = models.DecimalField(_("savings"), max_digits=12, decimal_places=2, null=True)

    INCOME_FIELDS = (
        "income_farming",
        "income_wages",
        "income_business",
        "income_welfare",
        "income_remittances",
        "income_other",
    )
    FIELDS = (
        *INCOME_FIELDS,
        "expense_consumption",
        "expense_production",
        "debt_formal",
        "debt_informal",
        "savings",
    )

    class Meta:
        verbose_name = _("household accounts")
        verbose_name_plural = _("household accounts")

    def __str__(self) -> str:
        return f"accounts of {self.survey_id}"

    @property
    def monthly_income(self):
        values = [getattr(self, name) for name in self.INCOME_FIELDS]
        if all(value is None for value in values):
            return None
        return sum(value for value in values if value is not None)


class NeedCategory(models.TextChoices):
    HOUSING = "housing", _("House repair or housing")
    OCCUPATION = "occupation", _("Work, job skills or an occupation")
    DEBT = "debt", _("Help with debts")
    HEALTH = "health", _("Health care")
    CARE = "care", _("Care for an older, disabled or bedridden member")
    EDUCATION = "education", _("Schooling for children")
    WATER = "water", _("Water for the home or for farming")
    LAND = "land", _("Land to live on or to farm")
    ALLOWANCE = "allowance", _("Allowances and welfare rights")
    FOOD = "food", _("Food and daily needs")
    OTHER = "other", _("Something else")


class SurveyNeed(models.Model):
    """A need the household names, in its own words where it gives them."""

    survey = models.ForeignKey(  # survey_need_unique's leading column indexes it
        Survey, on_delete=models.CASCADE, related_name="needs", db_index=False
    )
    category = models.CharField(_("need"), max_length=12, choices=NeedCategory.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["survey_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "category"], name="survey_need_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.category}"


class Level(models.TextChoices):
    IN_HARDSHIP = "in_hardship", _("In hardship")  # อยู่ลำบาก
    STRUGGLING = "struggling", _("Struggling")  # อยู่ยาก
    GETTING_BY = "getting_by", _("Getting by")  # อยู่พอได้
    DOING_WELL = "doing_well", _("Doing well")  # อยู่ดี


LEVEL_THAI = {
    Level.IN_HARDSHIP: "อยู่ลำบาก",
    Level.STRUGGLING: "อยู่ยาก",
    Level.GETTING_BY: "อยู่พอได้",
    Level.DOING_WELL: "อยู่ดี",
}


class ClassificationResult(TimeStampedModel):
    """The classification of one verified survey, kept for evaluation round after round.

    `household`, `area` and `fiscal_year` are copied from the survey so results filter and roll
    up by area and round without joins.
    """

    survey = models.OneToOneField(Survey, on_delete=models.PROTECT, related_name="result")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="classification_results"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("round (fiscal year BE)"))
    rule_set = models.ForeignKey(ClassificationRuleSet, on_delete=models.PROTECT, related_name="+")
    rule_set_version = models.CharField(_("rule set version"), max_length=20)
    score_human = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    score_physical = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    score_financial = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    score_natural = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    score_social = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    overall_score = models.DecimalField(_("overall score"), max_digits=3, decimal_places=2)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    failed_dimensions = models.JSONField(_("dimensions failed"), default=list)
    welfare_card_holder = models.BooleanField(_("welfare card in household"), default=False)
    target_poor = models.BooleanField(_("target poor (TPMAP)"), default=False)
    # [{code, capital, score, reason_th, reason_en}], lowest first.
    low_items = models.JSONField(_("what pulled the score down"), default=list)

    class Meta:
        ordering = ["household_id", "fiscal_year"]
        verbose_name = _("classification result")
        verbose_name_plural = _("classification results")
        indexes = [
            models.Index(fields=["area", "fiscal_year"], name="result_area_round_idx"),
            models.Index(fields=["fiscal_year", "level"], name="result_round_level_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="result_overall_1_4", condition=Q(overall_score__gte=1, overall_score__lte=4)
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.fiscal_year}: {self.level}"

    def capital_scores(self) -> list[tuple[str, str, object]]:
        """(code, label, score) for each capital, in order."""
        return [(c.value, c.label, getattr(self, f"score_{c.value}")) for c in Capital]

    @property
    def level_thai(self) -> str:
        return LEVEL_THAI.get(self.level, "")

    @property
    def failed_dimension_labels(self) -> list[str]:
        return [Dimension(d).label for d in self.failed_dimensions if d in Dimension.values]

    def reasons(self) -> list[str]:
        """The items that pulled the score down, in the reader's language."""
        return [
            _in_language(r.get("reason_th", ""), r.get("reason_en", "")) for r in self.low_items
        ]


class ProgrammeEventKind(models.TextChoices):
    ADD_ON = "add_on", _("Added to the programme")  # Add-on
    EXIT = "exit", _("Left the programme")  # Exit


class ProgrammeEvent(TimeStampedModel):
    """A household's entry into (Add-on) or exit from (Exit) the programme, with a reason."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="programme_events"
    )
    kind = models.CharField(_("event"), max_length=8, choices=ProgrammeEventKind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    occurred_on = models.DateField(_("date"))
    survey = models.ForeignKey(
        Survey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["household_id", "occurred_on", "id"]
        verbose_name = _("programme event")
        verbose_name_plural = _("programme events")

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind} {self.occurred_on}"

    @property
    def policy_area_code(self) -> str:
        return self.household.area_id


class OfflineChangeStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")  # saved through the survey services
    CONFLICT = "conflict", _("Conflict")  # based on an older version: the facilitator chooses
    # a conflict the facilitator settled by a later change
    RESOLVED = "resolved", pgettext_lazy("offline change status", "Resolved")
    REFUSED = "refused", _("Refused")  # the rules refused it (scope, role, state, consent)


class OfflineChange(TimeStampedModel):
    """One save made on a phone without a signal, as it reached the server.

    `change_id` is generated on the phone, so a change sent twice (the answer lost on the way
    back) is applied once and answered the same way. Both sides of a conflict are kept here:
    what the phone sent (`fields`) and the survey's answers it met (`server_fields`) — only while
    the conflict waits for the facilitator: once a change is applied, refused or resolved its
    answers are cleared and only ids, status and outcome stay for replaying the answer
    (households/offline/services.py scrub). Withdrawal of consent and erasure clear them too.
    """

    change_id = models.UUIDField(_("change id"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offline_changes",
    )
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.SET_NULL, null=True, blank=True, related_name="offline_changes"
    )
    step = models.CharField(_("step"), max_length=20)
    base_version = models.PositiveIntegerField(_("based on version"))
    fields = models.JSONField(_("answers sent from the phone"), default=dict)
    server_fields = models.JSONField(_("answers on the server at the time"), default=dict)
    server_version = models.PositiveIntegerField(_("version on the server"), null=True)
    result_version = models.PositiveIntegerField(_("version after the change"), null=True)
    resolves = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resolutions"
    )
    status = models.CharField(_("status"), max_length=10, choices=OfflineChangeStatus.choices)
    # The answer the phone got, replayed as is for a repeated change.
    response_status = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "change_id"], name="offline_change_per_user")
        ]
        verbose_name = _("change sent from a phone")
        verbose_name_plural = _("changes sent from phones")

    def __str__(self) -> str:
        return f"{self.change_id} {self.step} {self.status}"

    @property
    def policy_area_code(self) -> str:
        return self.household.area_id if self.household_id else ""
