"""The transitions page's tables (monitoring.evaluation): the matrix and the outcomes read from
them equal a count from the records, and a refresh of the villages touched gives exactly what a
full rebuild gives, also for a household that moved between villages, for a deleted result and
for a new round; the rebuild counts into new tables and locks the live ones only to swap."""

from decimal import Decimal

import pytest
from django.utils import timezone

from households.surveys.models import ClassificationResult
from monitoring import selectors
from monitoring.evaluation import refresh_areas
from monitoring.models import OutcomeStratum, TransitionCell
from monitoring.rollup import full_rebuild, refresh_villages
from ppaos.areas.models import Area
from referrals.models import Referral, ReferralStatus
from tests.monitoring.builders import _user, household, result
from tests.monitoring.test_reports_on_a_real_worker import survey_instrument_db  # noqa: F401
from tests.referrals.conftest import make_service

pytestmark = pytest.mark.django_db


def _tables():
    return (
        set(TransitionCell.objects.values_list()),
        set(OutcomeStratum.objects.values_list()),
    )


def _helped(home, service, agency):
    Referral.objects.create(
        household=home, area_id=home.area_id, service=service, agency=agency, need="x",
        reason="x", proposed_by=_user(), status=ReferralStatus.COMPLETED,
        help_value=Decimal("500.00"), outcome="ช่วยแล้ว", completed_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def moved(villages, agency):
    """a stays in 49010101 and improves; b moves from 49010101 to 49020101 and improves (helped);
    c leaves after 2567 (49010102); e is new in 2568 (49010201)."""
    service = make_service(agency, "monitor-evaluation")
    a, b = household("49010101", [{}]), household("49010101", [{}])
    c, e = household("49010102", [{}]), household("49010201", [{}])
    result(a, 2567, "in_hardship")
    result(a, 2568, "struggling")
    result(b, 2567, "struggling")
    b.area_id = "49020101"
    b.save(update_fields=["area_id"])
    result(b, 2568, "getting_by")
    result(c, 2567, "getting_by")
    result(e, 2568, "doing_well")
    _helped(b, service, agency)
    full_rebuild()
    return {"a": a, "b": b, "c": c, "e": e, "service": service}


def _matrix(user, code):
    return selectors.transition_matrix(user, Area.objects.get(code=code), 2567, 2568)["counts"]


def test_a_household_that_moved_left_one_district_and_entered_the_other(moved, provincial_officer):
    # rows: 2567's levels then "not surveyed in 2567"; columns: 2568's then "not surveyed"
    province = _matrix(provincial_officer, "49")
    assert province[0][1] == 1  # a: hardship → struggling
    assert province[1][2] == 1  # b moved but stayed in the province: struggling → getting by
    assert province[2][4] == 1  # c left
    assert province[4][3] == 1  # e entered
    district = _matrix(provincial_officer, "4901")
    assert district[1][4] == 1  # b left 4901
    assert district[4][2] == 0
    assert _matrix(provincial_officer, "4902")[4][2] == 1  # and entered 4902


def test_outcomes_count_the_household_where_it_started(moved, provincial_officer):
    rows = selectors.outcomes_by_help(
        provincial_officer, Area.objects.get(code="4901"), 2567, 2568
    )["rows"]
    assert [(r["helped"], r["helped_share"]) for r in rows] == [(1, 100.0)]
    assert rows[0]["compared"] == 0  # no other household started struggling in 49010101
    assert (
        selectors.outcomes_by_help(provincial_officer, Area.objects.get(code="4902"), 2567, 2568)[
            "rows"
        ]
        == []
    )


def test_a_refresh_of_the_villages_touched_equals_a_full_rebuild(moved, agency):
    # a second result of e moves it; c comes back in 2568 elsewhere; a is helped; a new round
    ClassificationResult.objects.filter(household=moved["e"]).update(level="in_hardship")
    moved["c"].area_id = "49010201"
    moved["c"].save(update_fields=["area_id"])
    result(moved["c"], 2568, "struggling")
    _helped(moved["a"], moved["service"], agency)
    refresh_villages(["49010201", "49010101"])
    refresh_areas(["49010201", "49010101"])
    incremental = _tables()
    full_rebuild()
    assert incremental == _tables()
    # c's 2568 result (in 49010201, where c came back) deleted: a refresh of that village alone
    # recounts c's 2567 side in 49010102 too (c left from there again), though nothing of c is
    # left in 49010201 to find it by
    ClassificationResult.objects.filter(household=moved["c"], fiscal_year=2568).delete()
    refresh_villages(["49010201"])
    refresh_areas(["49010201"])
    incremental = _tables()
    full_rebuild()
    assert incremental == _tables()
    result(moved["a"], 2569, "doing_well")  # a new round: pairs with both earlier ones
    refresh_villages(["49010101"])
    refresh_areas(["49010101"])
    incremental = _tables()
    assert {(t[0], t[1]) for t in incremental[0]} == {(2567, 2568), (2567, 2569), (2568, 2569)}
    full_rebuild()
    assert incremental == _tables()


def _exclusive_locks_held(tables) -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = pg_backend_pid() AND l.mode = 'AccessExclusiveLock' "
            "AND c.relname = ANY(%s)",
            [list(tables)],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)  # full_rebuild's own commits release its locks
def test_the_rebuild_counts_without_locking_what_readers_read(survey_instrument_db, moved):  # noqa: F811
    from django.db import connection, transaction

    from monitoring import evaluation

    live = {TransitionCell._meta.db_table, OutcomeStratum._meta.db_table}
    before = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        evaluation.build(cursor)  # the counting: the live tables neither locked nor changed
        assert _exclusive_locks_held(live) == set()
        assert _tables() == before
        evaluation.swap(cursor)  # the swap locks them, and waits a bounded time for it
        assert _exclusive_locks_held(live) == live
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == evaluation.SWAP_LOCK_TIMEOUT
    assert _tables() == before
    with connection.cursor() as cursor:  # the swapped tables carry the migrations' names
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1", [list(live)]
        )
        names = [row[0] for row in cursor.fetchall()]
    assert "transition_to_area_idx" in names and not [n for n in names if "_new" in n]


def test_before_the_first_rebuild_the_page_says_not_computed_not_zero(
    client, moved, provincial_officer
):
    from django.db import connection
    from django.urls import reverse

    # as after `migrate` created the tables on a database whose roll-ups already hold rounds
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_transitioncell")
        cursor.execute("DELETE FROM monitoring_outcomestratum")
    client.force_login(provincial_officer)
    response = client.get(reverse("monitoring:transitions", args=["49"]), {"from": 2567})
    html = response.content.decode()
    assert 'data-testid="not-computed"' in html
    assert 'data-testid="entered-exited"' not in html and 'class="matrix"' not in html
    body = client.get(reverse("monitoring_api:transitions"), {"area": "49"}).json()
    assert body["computed"] is False and body["matrix"] == [] and body["entered"] is None
    full_rebuild()  # what the deploy runs (manage.py rebuild_rollups): now the counts
    html = client.get(reverse("monitoring:transitions", args=["49"])).content.decode()
    assert 'data-testid="not-computed"' not in html and 'data-testid="entered-exited"' in html
    assert client.get(reverse("monitoring_api:transitions"), {"area": "49"}).json()["computed"]


def test_the_drain_queues_the_evaluation_and_a_crash_between_loses_nothing(
    moved, monkeypatch, django_capture_on_commit_callbacks
):
    """The drain commits the roll-ups and queues the villages for the evaluation tables in one
    transaction, then recounts them in another: when that second step fails, the villages stay
    queued and the next drain recounts them; the tables then equal a full rebuild."""
    from monitoring import evaluation
    from monitoring.models import PendingEvaluationVillage
    from monitoring.rollup import drain_pending

    with django_capture_on_commit_callbacks(execute=True):
        found = ClassificationResult.objects.get(household=moved["a"], fiscal_year=2568)
        found.level = "doing_well"
        found.save()
    real = evaluation._refresh_locked

    def crash(cursor, codes):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(evaluation, "_refresh_locked", crash)
    with pytest.raises(RuntimeError):
        drain_pending()
    assert set(PendingEvaluationVillage.objects.values_list("code", flat=True)) == {"49010101"}
    monkeypatch.setattr(evaluation, "_refresh_locked", real)
    drain_pending()  # nothing new for the roll-ups; the evaluation catches up
    assert not PendingEvaluationVillage.objects.exists()
    drained = _tables()
    full_rebuild()
    assert drained == _tables()
