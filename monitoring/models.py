"""Monitoring roll-ups: one row per (area, round, figure), written only by monitoring.rollup.

`AreaRollup` is long and narrow: a figure is a `metric` key (`hh`, `level:in_hardship`,
`persons:disability`, `ref:approved`, `help_value`, …, see `monitoring.rollup.METRICS`) so a new
figure needs no migration. Every area level is stored (province, district, subdistrict, village),
so a page reads its figures with an index lookup and never aggregates households itself.
Referral and registry figures carry the round they were created in; `fiscal_year` 0 holds the
registry coverage, which has no round.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ppaos.areas.models import Area
from ppaos.core.background_jobs import is_stalled
from ppaos.core.display import format_datetime
from ppaos.core.models import PublicIdModel
from ppaos.core.stored_files import RandomStoredName


class AreaRollup(models.Model):
    pk = models.CompositePrimaryKey("area_code", "fiscal_year", "metric")
    area_code = models.CharField(max_length=8)
    level = models.CharField(max_length=12)
    fiscal_year = models.PositiveSmallIntegerField()
    metric = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("roll-up figure")
        verbose_name_plural = _("roll-up figures")
        indexes = [
            models.Index(
                fields=["fiscal_year", "level", "area_code"], name="rollup_round_level_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.fiscal_year} {self.metric}={self.value}"


class RollupRefresh(models.Model):
    """One row per refresh (full or incremental): the newest gives "ข้อมูล ณ …" on every page."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full rebuild")
        INCREMENTAL = "incremental", _("Villages touched")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    finished_at = models.DateTimeField(auto_now_add=True)
    villages = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-finished_at", "-id"]
        # Every dashboard request reads the newest (its time and the cache key): one index probe,
        # however many refreshes a year of 30-second drains leaves.
        indexes = [models.Index(fields=["-finished_at", "-id"], name="rollup_refresh_newest_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_datetime(self.finished_at)}"


class PendingVillage(models.Model):
    """A village whose figures changed since the last refresh (debounce: the task drains them).

    Append-only, like PendingHousehold: a change adds a row in its own transaction (a plain
    INSERT, no unique key), the drain takes every committed row with DELETE … RETURNING. So a
    writer never waits for the drain or another writer, and the drain never waits for a writer
    (an uncommitted row is invisible to it and stays for the next drain)."""

    id = models.BigAutoField(primary_key=True)
    code = models.CharField(max_length=8)
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class PendingEvaluationVillage(models.Model):
    """A village whose rows of the transitions page's tables (monitoring.evaluation) are to be
    recounted: written by the roll-ups' drain in its transaction, claimed by the evaluation's
    own refresh right after, so the dashboard's figures do not wait for it and a crash between
    the two loses nothing."""

    code = models.CharField(max_length=8, primary_key=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class PendingHousehold(models.Model):
    """A household whose classification results changed since the last refresh (the change log
    the debounced drain reads: its figures are recomputed from its own records only)."""

    id = models.BigAutoField(primary_key=True)
    household_id = models.BigIntegerField()  # append-only: see PendingVillage
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.household_id)


class HouseholdFigure(models.Model):
    """What one classification result adds to its village's figures (written only by
    monitoring.rollup): the household's level and its current members counted by group.

    The village rows of `AreaRollup` for these figures are the sums of these rows, so a refresh
    recomputes the rows of the households that changed and adds the difference to the village
    and its ancestors: its cost follows the changed records, not the size of the villages.
    No foreign keys: the table is rebuilt and swapped in with the roll-ups, and only monitoring
    reads it.
    """

    pk = models.CompositePrimaryKey("household_id", "result_id")
    household_id = models.BigIntegerField()
    result_id = models.BigIntegerField()
    area_code = models.CharField(max_length=8)
    fiscal_year = models.SmallIntegerField()
    level = models.CharField(max_length=12)
    target_poor = models.BooleanField()
    persons = models.SmallIntegerField()
    disability = models.SmallIntegerField()
    chronic_illness = models.SmallIntegerField()
    bedridden = models.SmallIntegerField()
    elderly = models.SmallIntegerField()
    child = models.SmallIntegerField()

    def __str__(self) -> str:
        return f"{self.household_id} {self.fiscal_year} {self.area_code}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Report(PublicIdModel):
    """A generated xlsx of the roll-ups for one area and round (monitoring.reports writes it).

    The numbers are protected as its requester saw them when it was asked for (`exact`: inside
    the requester's own work area); monitoring.reports.reports_visible_to shows an exact report
    only to those who work in its area.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("round (fiscal year)"))
    from_year = models.PositiveSmallIntegerField(_("compared with round"), null=True, blank=True)
    exact = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    attempts = models.PositiveSmallIntegerField(default=0)  # workers that took it up
    file = models.FileField(upload_to=RandomStoredName("monitoring/reports/%Y/%m/"), blank=True)
    data_as_of = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")

    def __str__(self) -> str:
        return f"{self.area_id} {self.fiscal_year} {self.status}"

    @property
    def policy_area_code(self) -> str:
        return self.area_id

    @property
    def in_progress(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def stalled(self) -> bool:
        """Being written, but its worker has been quiet too long: it is gone (a report still
        waiting in a busy queue is not: it is only waiting)."""
        return is_stalled(self.status == ReportStatus.RUNNING, self.updated_at)


class TransitionCell(models.Model):
    """Households by where and at which level they were in two rounds (monitoring.evaluation
    writes it with the roll-ups): one row per (pair of rounds, area of the first round's result,
    area of the second's, the two levels). '' for an area and level: no result that round. Any
    area's transition matrix is a sum over these rows (a household that moved between two areas
    is "left" in one and "entered" in the other, and a transition in the area holding both)."""

    pk = models.CompositePrimaryKey(
        "from_year", "to_year", "from_area", "to_area", "from_level", "to_level"
    )
    from_year = models.PositiveSmallIntegerField()
    to_year = models.PositiveSmallIntegerField()
    from_area = models.CharField(max_length=8)
    to_area = models.CharField(max_length=8)
    from_level = models.CharField(max_length=12)
    to_level = models.CharField(max_length=12)
    households = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("transition count")
        verbose_name_plural = _("transition counts")
        indexes = [
            models.Index(fields=["from_year", "to_year", "to_area"], name="transition_to_area_idx")
        ]

    def __str__(self) -> str:
        return f"{self.from_year}→{self.to_year} {self.from_area} → {self.to_area}"


class OutcomeStratum(models.Model):
    """Households surveyed in both rounds of a pair, by the first round's area and level (the
    stratum of outcomes_by_help): `kind` '' counts all of them, a kind of help those helped with
    it (a completed referral); `improved` how many of them rose a level by the second round."""

    pk = models.CompositePrimaryKey("from_year", "to_year", "area_code", "start_level", "kind")
    from_year = models.PositiveSmallIntegerField()
    to_year = models.PositiveSmallIntegerField()
    area_code = models.CharField(max_length=8)
    start_level = models.CharField(max_length=12)
    kind = models.CharField(max_length=16)
    households = models.PositiveIntegerField()
    improved = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("outcome stratum")
        verbose_name_plural = _("outcome strata")

    def __str__(self) -> str:
        return f"{self.from_year}→{self.to_year} {self.area_code} {self.start_level} {self.kind}"
