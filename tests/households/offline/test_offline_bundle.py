"""What a facilitator's phone keeps (issue 16): only their areas, no national ID, audited; the
service worker from the site root; the manifest; logout clears the device."""

import json

import pytest
from django.test import Client

from ppaos.audit.models import AuditEvent
from tests.factories import RegistrantFactory
from tests.households.surveys.survey_helpers import family, started_survey

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_bundle_keeps_pinned_households_of_the_area_and_surveys_to_finish(facilitator):
    pinned = family()
    elsewhere = family("49010201")  # not the facilitator's subdistrict
    survey = started_survey(facilitator)
    response = _client(facilitator).get(
        "/api/v1/offline/bundle/", {"pinned": f"{pinned.public_id},{elsewhere.public_id},junk"}
    )
    assert response.status_code == 200
    body = response.json()
    kept = {h["id"] for h in body["households"]}
    assert kept == {str(pinned.public_id), str(survey.household.public_id)}
    assert body["rules"]["steps"]["capitals"]["fields"][0]["kind"] == "radio"
    assert body["csrf"]
    by_id = {h["id"]: h for h in body["households"]}
    assert by_id[str(survey.household.public_id)]["survey"]["version"] == survey.version
    assert by_id[str(pinned.public_id)]["may_start"] is True
    event = AuditEvent.objects.get(action="offline_bundle.listed")
    assert event.details["counts"]["household"] == 2


def test_the_bundle_holds_no_national_id(facilitator):
    household = family()
    RegistrantFactory(area_id="49010101")
    body = (
        _client(facilitator)
        .get("/api/v1/offline/bundle/", {"pinned": str(household.public_id)})
        .content.decode()
    )
    ids = [m.person.national_id for m in household.memberships.select_related("person")]
    from households.models import WelfareRegistrant

    ids += list(WelfareRegistrant.objects.values_list("national_id", flat=True))
    assert ids and not any(national_id in body for national_id in ids)
    assert json.loads(body)["leads"]


def test_the_rules_come_from_the_forms(facilitator):
    body = _client(facilitator).get("/api/v1/offline/bundle/").json()
    accounts = body["rules"]["steps"]["accounts"]["fields"]
    assert {f["kind"] for f in accounts} == {"amount"}
    assert all(f["min"] == "0" and f["required"] for f in accounts)
    consent = {f["name"]: f for f in body["rules"]["steps"]["consent"]["fields"]}
    assert consent["consent_given_by"]["required_if"] == "sensitive_consent"
    assert consent["notice_given"]["required"] is True


def test_the_members_rules_ask_health_data_only_with_consent(facilitator):
    household = family()
    body = _client(facilitator).get("/api/v1/offline/bundle/", {"pinned": str(household.public_id)})
    members = body.json()["households"][0]["members"]["members"]
    flags = [f for m in members for f in m["fields"] if f.get("sensitive")]
    assert len(flags) == 3 * len(members)
    conditional = [f for m in members for f in m["fields"] if f.get("show_if")]
    assert conditional and all(f["show_if"].endswith("_disability") for f in conditional)


def test_the_service_worker_is_served_from_the_root(facilitator):
    response = _client(facilitator).get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    text = response.content.decode()
    assert "SHELL_ASSETS" in text and "/static/js/offline_app.js" in text


def test_the_policy_allows_the_worker_and_the_manifest(facilitator):
    policy = _client(facilitator).get("/households/")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


def test_the_offline_shell_holds_no_personal_data(facilitator):
    started_survey(facilitator)
    page = _client(facilitator).get("/offline/")
    assert page.status_code == 200
    assert "offline_app.js" in page.content.decode()
    assert facilitator.username not in page.content.decode()


def test_logout_tells_the_browser_to_clear_the_device(facilitator):
    response = _client(facilitator).post("/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_bundle_names_the_editable_statuses_from_the_state_table(facilitator):
    from households.surveys.transitions import EDIT, statuses_allowing

    body = _client(facilitator).get("/api/v1/offline/bundle/").json()
    assert body["editable_statuses"] == list(statuses_allowing(EDIT))
    assert set(body["editable_statuses"]) == {"draft", "returned"}


def _bundle_queries(client, pinned):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            "/api/v1/offline/bundle/", {"pinned": ",".join(str(h.public_id) for h in pinned)}
        )
    assert response.status_code == 200
    return len(response.json()["households"]), len(queries)


def test_the_bundle_does_not_query_per_household(facilitator, django_assert_max_num_queries):
    client = _client(facilitator)
    few = [started_survey(facilitator).household for _ in range(2)]
    kept_few, queries_few = _bundle_queries(client, few)
    many = few + [started_survey(facilitator).household for _ in range(4)] + [family()]
    with django_assert_max_num_queries(queries_few):
        kept_many, _ = _bundle_queries(client, many)
    assert (kept_few, kept_many) == (2, 7)


def test_the_bundle_reads_no_more_pinned_ids_than_it_keeps(facilitator, settings):
    settings.OFFLINE_MAX_HOUSEHOLDS = 2
    households = [family() for _ in range(3)]
    body = (
        _client(facilitator)
        .get("/api/v1/offline/bundle/", {"pinned": ",".join(str(h.public_id) for h in households)})
        .json()
    )
    assert len(body["households"]) == 2
    assert body["max_households"] == 2
