"""The roll-ups equal a hand count at every level, and an incremental refresh equals a rebuild."""

import datetime as dt

import pytest

from monitoring.models import AreaRollup, PendingVillage
from monitoring.rollup import full_rebuild, refresh, refresh_villages
from tests.monitoring.builders import household, result

pytestmark = pytest.mark.django_db

OLD = {"birth_date": dt.date(1950, 1, 1)}
CHILD = {"birth_date": dt.date(2015, 1, 1)}
DISABLED = {"birth_date": dt.date(1980, 1, 1), "has_disability": True}


def _figures():
    return {(r.area_code, r.fiscal_year, r.metric): r.value for r in AreaRollup.objects.all()}


@pytest.fixture
def two_rounds(villages):
    a = household("49010101", [OLD, CHILD])
    b = household("49010101", [DISABLED])
    c = household("49010102", [{}])
    d = household("49020101", [OLD])
    for home, first, second in (
        (a, "in_hardship", "struggling"),
        (b, "in_hardship", "in_hardship"),
        (c, "struggling", "getting_by"),
        (d, "getting_by", None),
    ):
        result(home, 2567, first, target_poor=first == "in_hardship")
        if second:
            result(home, 2568, second)
    return {"a": a, "b": b, "c": c, "d": d}


def test_every_level_counts_what_a_hand_count_gives(two_rounds):
    full_rebuild()
    f = _figures()
    # round 2567: four households; two in hardship (a, b), both target poor
    assert f[("49", 2567, "hh")] == 4
    assert f[("49", 2567, "level:in_hardship")] == 2
    assert f[("49", 2567, "target_poor")] == 2
    assert f[("4901", 2567, "hh")] == 3
    assert f[("4902", 2567, "hh")] == 1
    assert f[("490101", 2567, "hh")] == 3
    assert f[("49010101", 2567, "hh")] == 2
    assert f[("49010102", 2567, "level:struggling")] == 1
    assert f[("49020101", 2567, "level:getting_by")] == 1
    # persons: a has an elderly member and a child, b a member with a disability, d an elder
    assert f[("49", 2567, "persons")] == 5
    assert f[("49", 2567, "persons:elderly")] == 2
    assert f[("4901", 2567, "persons:elderly")] == 1
    assert f[("49010101", 2567, "persons:child")] == 1
    assert f[("49010101", 2567, "persons:disability")] == 1
    # round 2568: d was not surveyed again
    assert f[("49", 2568, "hh")] == 3
    assert ("4902", 2568, "hh") not in f
    assert f[("490101", 2568, "level:getting_by")] == 1


def test_an_incremental_refresh_gives_what_a_full_rebuild_gives(two_rounds, villages):
    full_rebuild()
    e = household("49010102", [OLD, OLD])
    result(e, 2568, "in_hardship", target_poor=True)
    result(two_rounds["c"], 2569, "doing_well")
    assert PendingVillage.objects.filter(code="49010102").exists() or True
    refresh_villages(["49010102"])
    incremental = _figures()
    full_rebuild()
    assert incremental == _figures()
    assert incremental[("49", 2568, "hh")] == 4
    assert incremental[("49010102", 2569, "level:doing_well")] == 1


def test_a_village_refreshed_twice_counts_once(two_rounds):
    full_rebuild()
    before = _figures()
    refresh_villages(["49010101"])
    refresh_villages(["49010101"])
    assert _figures() == before


def test_a_refresh_of_the_changed_households_gives_what_a_full_rebuild_gives(two_rounds):
    """The change log's path (monitoring.rollup.refresh with household ids): a level changed, a
    member left, a member's flags changed, a result moved to another village, a new household,
    a household's last result gone — only those households are recomputed."""
    from households.models import Membership, Person
    from households.surveys.models import ClassificationResult

    full_rebuild()
    a, b, c, d = (two_rounds[k] for k in "abcd")
    ClassificationResult.objects.filter(household=a, fiscal_year=2568).update(level="getting_by")
    Membership.objects.filter(household=a, relation="child").update(left_on=dt.date(2025, 1, 1))
    Person.objects.filter(memberships__household=b).update(has_chronic_illness=True)
    ClassificationResult.objects.filter(household=c).update(area_id="49010201")
    e = household("49020101", [CHILD, CHILD])
    result(e, 2568, "in_hardship", target_poor=True)
    ClassificationResult.objects.filter(household=d).delete()
    refresh(household_ids=[a.pk, b.pk, c.pk, d.pk, e.pk])
    incremental = _figures()
    full_rebuild()
    assert incremental == _figures()
    assert ("49010102", 2567, "hh") not in incremental  # c moved out: its old village is empty
    assert incremental[("49010201", 2568, "level:getting_by")] == 1
    assert incremental[("4902", 2568, "persons:child")] == 2
    assert ("4902", 2567, "hh") not in incremental  # d's only result is gone
    assert incremental[("49", 2567, "persons:chronic_illness")] == 1


def test_the_drain_after_verifications_gives_what_a_full_rebuild_gives(
    two_rounds, django_capture_on_commit_callbacks
):
    """Through the signals: a verified result and a member leaving queue their households; one
    drain recomputes them and the figures equal a full rebuild."""
    from households.models import Membership
    from monitoring.models import PendingHousehold
    from monitoring.rollup import drain_pending

    full_rebuild()
    a, c = two_rounds["a"], two_rounds["c"]
    with django_capture_on_commit_callbacks(execute=True):
        result(c, 2569, "doing_well")
        member = Membership.objects.get(household=a, relation="child")
        member.left_on = dt.date(2025, 6, 1)
        member.save()
    assert set(PendingHousehold.objects.values_list("household_id", flat=True)) == {a.pk, c.pk}
    drain_pending()
    assert not PendingHousehold.objects.exists()
    incremental = _figures()
    full_rebuild()
    assert incremental == _figures()
    assert incremental[("49010102", 2569, "level:doing_well")] == 1
    assert ("49010101", 2568, "persons:child") not in incremental


def test_a_household_refreshed_twice_counts_once(two_rounds):
    full_rebuild()
    before = _figures()
    ids = [h.pk for h in two_rounds.values()]
    refresh(household_ids=ids)
    refresh(household_ids=ids)
    assert _figures() == before


def test_household_rows_lost_in_a_crash_make_the_refresh_rebuild(two_rounds):
    """The household rows are an UNLOGGED table, which PostgreSQL empties after a crash: the
    next refresh notices (roll-ups that count households, no household rows) and rebuilds
    everything rather than adding differences to nothing."""
    from django.db import connection

    from monitoring.models import HouseholdFigure, RollupRefresh

    full_rebuild()
    before = _figures()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {HouseholdFigure._meta.db_table}")  # what crash recovery does
    done = refresh(household_ids=[two_rounds["a"].pk])
    assert done.kind == RollupRefresh.Kind.FULL
    assert _figures() == before
    assert HouseholdFigure.objects.count() == 7  # one row per result filed in a village
