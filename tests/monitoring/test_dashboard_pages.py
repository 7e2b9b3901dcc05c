"""Dashboard pages: scope (other area 404, facilitator 403), small cells, query bounds, drill-down,
the transition matrix against a hand count, no names or national IDs."""

import re

import pytest
from django.urls import reverse

from monitoring.rollup import full_rebuild
from tests.monitoring.test_rollup_equals_hand_count import two_rounds  # noqa: F401

pytestmark = pytest.mark.django_db


def _get(client, user, url, **headers):
    client.force_login(user)
    return client.get(url, headers=headers)


@pytest.fixture
def built(two_rounds):  # noqa: F811
    full_rebuild()
    return two_rounds


def test_the_executive_sees_the_province_with_small_counts_hidden(client, executive, built):
    response = _get(client, executive, reverse("monitoring:dashboard") + "?round=2567")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ข้อมูล ณ" in html
    # 4 households in the province: a table of fewer than five shows nothing, the headlines
    # (the province's line of that table) neither
    assert 'class="value">x<' in html
    assert not re.search(r'class="value">[1-4]<', html)
    # no names, no national IDs
    assert "สมศรี" not in html and "ใจดี" not in html
    assert not re.search(r"\b\d{13}\b", html)


def test_an_area_manager_sees_exact_numbers_in_their_own_area(client, area_manager, built):
    response = _get(
        client, area_manager, reverse("monitoring:area_dashboard", args=["4901"]) + "?round=2567"
    )
    assert response.status_code == 200
    assert 'class="value">3<' in response.content.decode()  # households surveyed in 4901


def test_an_area_outside_the_users_scope_is_404(
    client, area_manager, other_province_officer, built
):
    assert (
        _get(client, area_manager, reverse("monitoring:area_dashboard", args=["49"])).status_code
        == 404
    )
    assert (
        _get(client, area_manager, reverse("monitoring:area_dashboard", args=["4902"])).status_code
        == 404
    )
    assert (
        _get(
            client, other_province_officer, reverse("monitoring:area_dashboard", args=["4901"])
        ).status_code
        == 404
    )


def test_facilitators_are_refused_the_dashboard(client, facilitator, built):
    assert _get(client, facilitator, reverse("monitoring:dashboard")).status_code == 403
    assert (
        _get(client, facilitator, reverse("monitoring:area_dashboard", args=["490101"])).status_code
        == 403
    )


def test_no_assignment_gets_an_empty_dashboard(client, no_role_user, built):
    response = _get(client, no_role_user, reverse("monitoring:dashboard"))
    assert response.status_code == 200
    assert "49010101" not in response.content.decode()


def test_drill_down_is_one_htmx_request_per_level_with_a_breadcrumb(
    client, provincial_officer, built
):
    for code in ("49", "4901", "490101", "49010101"):
        response = _get(
            client,
            provincial_officer,
            reverse("monitoring:area_dashboard", args=[code]),
            HX_Request="true",
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" not in html  # the partial only
        assert 'class="crumbs"' in html
    # the province page links each district with hx-get and draws the map from the shapes
    html = _get(
        client, provincial_officer, reverse("monitoring:area_dashboard", args=["49"])
    ).content.decode()
    assert 'hx-get="/monitoring/area/4901/"' in html
    assert '<path class="area' in html and "COD-AB" in html


def test_dashboard_pages_read_a_bounded_number_of_queries(
    client, provincial_officer, executive, built, django_assert_max_num_queries
):
    client.force_login(provincial_officer)
    client.get(reverse("monitoring:area_dashboard", args=["49"]))  # warm the map cache
    for user in (provincial_officer, executive):
        client.force_login(user)
        with django_assert_max_num_queries(14):
            assert client.get(reverse("monitoring:area_dashboard", args=["49"])).status_code == 200
        with django_assert_max_num_queries(14):
            assert client.get(reverse("monitoring:transitions", args=["49"])).status_code == 200


def test_the_transition_matrix_equals_a_hand_count(client, provincial_officer, built):
    response = _get(
        client,
        provincial_officer,
        reverse("monitoring:transitions", args=["49"]) + "?from=2567&to=2568",
    )
    rows = response.context["matrix"]["rows"]
    values = [[v for v, _shade in cells] for _thai, cells, _total in rows]
    # a: hardship → struggling, b: hardship → hardship, c: struggling → getting by (d not again)
    # the fifth column: not surveyed again (left the programme); the fifth row: new in 2568
    assert values[0] == [1, 1, 0, 0, 0]
    assert values[1] == [0, 0, 1, 0, 0]
    assert values[2] == [0, 0, 0, 0, 1]  # d: getting by in 2567, not surveyed in 2568
    assert values[4] == [0, 0, 0, 0, 0]  # nobody new in 2568
    assert response.context["matrix"]["improved"] == 2
    assert response.context["matrix"]["exited"] == 1
    assert response.context["matrix"]["entered"] == 0


def test_the_executive_sees_the_matrix_protected(client, executive, built):
    response = _get(
        client, executive, reverse("monitoring:transitions", args=["49"]) + "?from=2567&to=2568"
    )
    shown = [v for _t, cells, total in response.context["matrix"]["rows"] for v, _s in cells]
    assert not any(v in (1, 2, 3, 4) for v in shown)
    assert "t-hidden" in response.content.decode()
    # no sums over hidden cells either (more equations to undo the hiding with)
    assert response.context["matrix"]["improved"] is None
