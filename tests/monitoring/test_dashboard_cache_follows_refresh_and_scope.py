"""The dashboard's answers are cached per roll-up refresh and per user scope: a user with
another scope never gets an answer cached for someone else, and a refresh shows new figures."""

import pytest
from django.urls import reverse

from monitoring.evaluation import refresh_areas
from monitoring.rollup import full_rebuild, refresh_villages
from tests.monitoring.builders import household, result
from tests.monitoring.test_rollup_equals_hand_count import two_rounds  # noqa: F401

pytestmark = pytest.mark.django_db


def _headline_households(client, user, code="49", round_=2567):
    client.force_login(user)
    response = client.get(reverse("monitoring:area_dashboard", args=[code]) + f"?round={round_}")
    assert response.status_code == 200
    return response.context["board"].headlines[0].value


def test_users_with_other_scopes_never_share_a_cached_answer(
    client,
    executive,
    provincial_officer,
    two_rounds,  # noqa: F811
):
    full_rebuild()
    for _ in range(2):  # the second time from the cache
        assert _headline_households(client, executive) == "x"  # 4 households: hidden
        assert _headline_households(client, provincial_officer) == 4  # exact in their province


def test_a_refresh_shows_new_figures(client, provincial_officer, two_rounds):  # noqa: F811
    full_rebuild()
    assert _headline_households(client, provincial_officer) == 4
    result(household("49010102", [{}]), 2567, "struggling")
    assert _headline_households(client, provincial_officer) == 4  # as of the last refresh
    refresh_villages(["49010102"])
    refresh_areas(["49010102"])
    assert _headline_households(client, provincial_officer) == 5


def test_the_transition_matrix_follows_the_refresh(client, provincial_officer, two_rounds):  # noqa: F811
    full_rebuild()
    client.force_login(provincial_officer)
    url = reverse("monitoring:transitions", args=["49"]) + "?from=2567&to=2568"
    assert client.get(url).context["matrix"]["entered"] == 0
    result(household("49010102", [{}]), 2568, "struggling")
    refresh_villages(["49010102"])
    refresh_areas(["49010102"])
    assert client.get(url).context["matrix"]["entered"] == 1


def test_the_matrix_follows_the_evaluation_refresh_that_commits_after_the_rollups(
    client,
    provincial_officer,
    two_rounds,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    full_rebuild()
    client.force_login(provincial_officer)
    url = reverse("monitoring:transitions", args=["49"]) + "?from=2567&to=2568"
    result(household("49010102", [{}]), 2568, "struggling")
    refresh_villages(["49010102"])  # the roll-ups' refresh committed: a new RollupRefresh
    assert client.get(url).context["matrix"]["entered"] == 0  # read (and cached) meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        refresh_areas(["49010102"])
    assert client.get(url).context["matrix"]["entered"] == 1
