"""Each role's home page counts its work, and each count's link opens a list of that many rows."""

import re

import pytest
from django.urls import reverse

from tests.home.conftest import EXPECTED

pytestmark = pytest.mark.django_db


def _counts(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-testid="count-([a-z_]+)">(\d+)<', html)}


def _links(html: str) -> dict[str, str]:
    found = re.findall(
        r'<a href="([^"]+)"\s+class="work-card[^"]*"\s+data-testid="card-([a-z0-9_-]+)"', html
    )
    return {key: url.replace("&amp;", "&") for url, key in found}


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    return _counts(html), _links(html), html


def _rows(client, url, testid) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode().count(f'data-testid="{testid}"')


def test_facilitator_home_counts_leads_drafts_returned_and_follow_ups(
    client, work_world, facilitator
):
    counts, links, _html = _home(client, facilitator)
    for key in (
        "leads",
        "surveys_draft",
        "surveys_returned",
        "referrals_follow_up",
        "referrals_drafts",
    ):
        assert counts[key] == EXPECTED[key], key
    assert _rows(client, links["referrals_drafts"], "work-row") == EXPECTED["referrals_drafts"]
    assert _rows(client, links["surveys_draft"], "survey-row") == EXPECTED["surveys_draft"]
    assert _rows(client, links["surveys_returned"], "survey-row") == EXPECTED["surveys_returned"]
    assert (
        _rows(client, links["referrals_follow_up"], "work-row") == EXPECTED["referrals_follow_up"]
    )
    worklist = client.get(links["leads"]).content.decode()
    assert f'data-testid="worklist-count">{EXPECTED["leads"]}<' in worklist


def test_survey_list_tabs_show_counts(client, work_world, facilitator):
    client.force_login(facilitator)
    html = client.get(reverse("households:survey_list")).content.decode()
    assert "(3)" in html and "(1)" in html and "(2)" in html
    assert html.count('data-testid="survey-row"') == 3


def test_manager_home_counts_surveys_to_verify(client, work_world, area_manager):
    counts, links, _html = _home(client, area_manager)
    assert counts["surveys_to_verify"] == EXPECTED["surveys_to_verify"]
    assert counts["duplicates"] == 0 and counts["transfers"] == 0
    assert _rows(client, links["surveys_to_verify"], "open-review") == 1


def test_officer_home_counts_referrals_to_approve_declined_and_overdue(
    client, work_world, provincial_officer
):
    counts, links, _html = _home(client, provincial_officer)
    for key in ("referrals_to_approve", "referrals_declined", "referrals_overdue"):
        assert counts[key] == EXPECTED[key], key
    assert _rows(client, links["referrals_to_approve"], "queue-row") == 2
    assert _rows(client, links["referrals_declined"], "queue-row") == 1
    assert _rows(client, links["referrals_overdue"], "work-row") == 1


def test_agency_home_names_the_agency_and_counts_each_state(
    client, work_world, agency_staff, agency
):
    counts, links, html = _home(client, agency_staff)
    assert agency.name_th in html
    assert "agency (set up with the referrals module)" not in html
    for key in ("agency_new", "agency_accepted", "agency_in_progress", "agency_overdue"):
        assert counts[key] == EXPECTED[key], key
        assert _rows(client, links[key], "inbox-row") == EXPECTED[key], key
    inbox = client.get(reverse("referrals:agency_inbox")).content.decode()
    assert re.search(r'data-testid="tab-overdue">[^<]*\(1\)', inbox)


def test_executive_home_shows_the_dashboards_figures_suppressed_as_there(client, executive):
    """Figures, not work: under their own heading, from the roll-ups through the dashboard's
    selector, small counts hidden as on the dashboard, and the way to the dashboard."""
    from monitoring import selectors as monitoring
    from monitoring.rollup import full_rebuild
    from ppaos.areas.models import Area
    from tests.monitoring.builders import household, result

    for index in range(6):  # 6 households in round 2568: 2 in hardship (a small count)
        result(household("49010101"), 2568, "in_hardship" if index < 2 else "getting_by")
    full_rebuild()
    counts, links, html = _home(client, executive)
    assert 'data-testid="my-work"' not in html  # nothing "waits" for an executive
    figures = html.split('data-testid="my-figures"')[1]
    assert "<h2>ตัวเลขสำคัญ</h2>" in figures.split("<h3")[0]  # "Figures"
    board = monitoring.dashboard(executive, Area.objects.get(code="49"), None)
    shown = dict(re.findall(r'data-testid="count-([a-z_]+)">([^<]+)<', html))
    # The same cell as the dashboard's headline: the province's 6 households are its only
    # district's, whose two small level cells (2 and 4) the tree-wide protection hides with
    # their total, so the home page must show exactly what the dashboard shows, never the 6.
    assert shown["households_surveyed"] == str(board.headlines[0].value)
    assert shown["households_surveyed"] in ("6", "x")
    assert shown["in_hardship"] == "&lt;5"  # 2: hidden, as on the dashboard
    assert links["dashboard"] == reverse("monitoring:dashboard")
    assert links["households_surveyed"] == reverse("monitoring:dashboard")
    assert "2568" in figures
    assert "ศรีมุกดา" not in html  # no household names on an executive's page


def test_admin_home_counts_users_and_imports(client, admin_user, facilitator):
    from django.contrib.auth import get_user_model

    from ppaos.imports.models import ImportJob

    counts, links, _html = _home(client, admin_user)
    assert counts["users"] == get_user_model().objects.count()
    assert counts["imports"] == 0
    assert "users" in links and "imports" in links
    assert links["users"] == reverse("accounts:user_list")

    # The recent imports: the latest three, newest first, each a link to its job page.
    jobs = [
        ImportJob.objects.create(
            created_by=admin_user, kind="registry", file=f"imports/x{i}.csv",
            original_filename=f"f{i}.csv", status=status,
        )
        for i, status in enumerate(["succeeded", "failed", "partly_succeeded", "succeeded"])
    ]  # fmt: skip
    counts, links, html = _home(client, admin_user)
    assert counts["imports"] == 4
    recent = [key for key in links if key.startswith("import_")]
    assert recent == [f"import_{job.public_id}" for job in reversed(jobs[1:])]
    assert links[recent[0]] == reverse("imports:job_detail", args=[jobs[3].public_id])
    assert "f0.csv" not in html  # file names stay on the imports pages


def test_user_without_role_sees_no_work_cards(client, no_role_user):
    counts, _links, html = _home(client, no_role_user)
    assert counts == {}
    assert 'data-testid="no-roles"' in html


def test_cards_of_one_group_sit_under_one_heading(client, work_world, area_manager):
    """The households app and the referrals app both add "Field work" cards: one heading."""
    _counts, _links, html = _home(client, area_manager)
    headings = re.findall(r'<h3 class="work-group">([^<]+)</h3>', html)
    assert len(headings) == len(set(headings)), headings
