"""Monitoring roll-ups: one row per (area, round, figure), written only by monitoring.rollup.

`AreaRollup` is long and narrow: a figure is a `metric` key (`hh`, `level:in_hardship`,
`persons:disability`, `ref:approved`, `help_value`, …, see `monitoring.rollup.METRICS`) so a new
figure needs no migration. Every area level is stored (province, district, subdistrict, village),
so a page reads its figures with an index lookup and never aggregates households itself.
Referral and registry figures carry the round they were created in; `fiscal_year` 0 holds the
registry coverage, which has no round.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.finished_at:%Y-%m-%d %H:%M}"


class PendingVillage(models.Model):
    """A village whose figures changed since the last refresh (debounce: the task drains them)."""

    code = models.CharField(max_length=8, primary_key=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code
