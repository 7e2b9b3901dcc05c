"""What a request puts into the dashboard's cache (Redis, also Celery's broker) is bounded: the
round values of a request are resolved to real rounds before a key is made, entries live a short
while, a code version is part of every key, and the protected matrix carries no raw counts."""

import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from monitoring import selectors
from monitoring.rollup import full_rebuild
from ppaos.areas.models import Area
from tests.monitoring.test_reports_on_a_real_worker import survey_instrument_db  # noqa: F401
from tests.monitoring.test_rollup_equals_hand_count import two_rounds  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_prefix(settings):
    """A cache key prefix of this test only, so its keys can be counted in the shared Redis."""
    prefix = f"test-{uuid.uuid4().hex}"
    caches = {name: dict(conf) for name, conf in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = prefix
    settings.CACHES = caches  # Django drops its cache handlers when CACHES changes
    yield prefix
    client = cache._cache.get_client()
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def _keys(prefix) -> list[bytes]:
    return list(cache._cache.get_client().scan_iter(f"{prefix}:*"))


def test_unknown_rounds_in_requests_make_no_new_cache_entries(
    client,
    executive,
    own_prefix,
    two_rounds,  # noqa: F811
):
    full_rebuild()
    client.force_login(executive)
    dashboard = reverse("monitoring:area_dashboard", args=["49"])
    transitions = reverse("monitoring:transitions", args=["49"])
    assert client.get(dashboard).status_code == 200
    assert client.get(transitions).status_code == 200
    settled = len(_keys(own_prefix))
    assert settled > 0
    for value in range(1, 21):
        assert client.get(dashboard, {"round": value}).status_code == 200
        assert client.get(transitions, {"from": value, "to": 2568}).status_code == 200
        assert client.get(transitions, {"from": 2567, "to": value}).status_code == 200
    assert len(_keys(own_prefix)) == settled
    # an unknown round is answered as no round given: the latest
    response = client.get(dashboard, {"round": 7})
    assert response.context["board"].fiscal_year == 2568
    response = client.get(transitions, {"from": 7, "to": 9999})
    assert (response.context["from_year"], response.context["to_year"]) == (2567, 2568)


def test_cached_answers_live_minutes_not_hours(client, executive, own_prefix, two_rounds):  # noqa: F811
    full_rebuild()
    client.force_login(executive)
    client.get(reverse("monitoring:area_dashboard", args=["49"]))
    redis = cache._cache.get_client()
    ttls = [redis.ttl(key) for key in _keys(own_prefix)]
    assert ttls and all(0 < ttl <= 15 * 60 for ttl in ttls)


def test_a_new_code_version_never_reads_the_old_entries(
    executive,
    own_prefix,
    monkeypatch,
    two_rounds,  # noqa: F811
):
    full_rebuild()
    area = Area.objects.get(code="49")
    selectors.transition_matrix(executive, area, 2567, 2568)
    before = set(_keys(own_prefix))
    monkeypatch.setattr(selectors, "DASHBOARD_CACHE_VERSION", selectors.DASHBOARD_CACHE_VERSION + 1)
    selectors.transition_matrix(executive, area, 2567, 2568)
    assert set(_keys(own_prefix)) > before  # new keys: the old pickles are not read


def test_the_protected_matrix_holds_no_raw_counts(executive, provincial_officer, two_rounds):  # noqa: F811
    full_rebuild()
    area = Area.objects.get(code="49")
    for _ in range(2):  # computed, then from the cache
        protected = selectors.transition_matrix(executive, area, 2567, 2568)
        assert not protected["top_only"] and not protected["exact"]
        assert protected["counts"] is None
    exact = selectors.transition_matrix(provincial_officer, area, 2567, 2568)
    assert exact["exact"] and exact["counts"][0][1] == 1  # a: hardship → struggling


@pytest.fixture
def second_alias(db):
    """Another connection alias to the same test database (what a replica is to the router)."""
    from django.db import connections

    same = {**connections["default"].settings_dict}
    connections.settings["probe"] = same
    probe = connections["probe"]
    # connected while not yet listed: Django's test case refuses only the aliases it knows of
    del connections.settings["probe"]
    probe.ensure_connection()
    connections.settings["probe"] = same
    yield "probe"
    connections["probe"].close()
    del connections.settings["probe"]


@pytest.mark.django_db(transaction=True)
def test_every_read_of_an_answer_goes_to_the_database_picked_for_it(
    executive,
    second_alias,
    survey_instrument_db,  # noqa: F811
):
    """The margins (roll-ups) and the interior (evaluation tables) of the matrix, and the
    outcomes, come from the one database `_cached` picked, never partly from the primary."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from tests.monitoring.builders import household, result

    for code, first, second in (("49010101", "in_hardship", "struggling"),
                                ("49020101", "struggling", "struggling")):  # fmt: skip
        home = household(code, [{}])
        result(home, 2567, first)
        result(home, 2568, second)
    full_rebuild()
    area = Area.objects.get(code="49")
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[second_alias]) as picked,
    ):
        matrix = selectors._transition_matrix(executive, area, 2567, 2568, second_alias)
        selectors._outcomes_by_help(executive, area, 2567, 2568, second_alias)
    assert not matrix["top_only"]
    read = " ".join(q["sql"] for q in picked.captured_queries)
    assert "monitoring_transitioncell" in read and "monitoring_arearollup" in read
    assert "monitoring_outcomestratum" in read
    assert not [q["sql"] for q in primary.captured_queries if "monitoring_" in q["sql"]]
