"""The load scenario: the province's people at work at once, against gunicorn.

- facilitators (most users) search the registry, open households and save survey steps,
- area managers open the review queue and verify submitted surveys,
- provincial officers open their queue and approve referrals,
- the executive opens the dashboard,
- one admin runs an import (a 2,000-row registry file) and follows it.

Every user signs in through the login page as a real browser does (session + CSRF); writes go
through the REST API with the session and the CSRF header. The ids to work on come from
prepare.py, in the JSON file named by LOAD_DATA. Run it with benchmarks/load/run.py.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from urllib.parse import urlparse

from locust import HttpUser, between, task

DATA = json.loads(Path(os.environ["LOAD_DATA"]).read_text())
PASSWORD = os.environ.get("LOAD_PASSWORD", "ppaos-demo")
IMPORT_FILE = os.environ.get("LOAD_IMPORT_FILE", "")
# Work that is used up (a survey is verified once, a referral approved once): shared pools,
# each run (LOAD_RUN of LOAD_RUNS) with its own share.
RUN, RUNS = int(os.environ.get("LOAD_RUN", "0")), int(os.environ.get("LOAD_RUNS", "1"))
SUBMITTED = list(DATA["submitted"][RUN::RUNS])
REFERRALS = list(DATA["referrals"][RUN::RUNS])
SESSIONS = {name: list(keys) for name, keys in DATA.get("sessions", {}).items()}
CSRF = "loadtestloadtestloadtestloadtest"  # a 32-character secret, sent as cookie and header
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _Signed(HttpUser):
    abstract = True
    username = ""
    wait_time = between(0.5, 2.0)

    def on_start(self):
        """An open session of the morning (prepare.open_sessions) when there is one; else the
        login page, as a browser signs in."""
        if SESSIONS.get(self.username):
            # The server's own Set-Cookie (same host and path) replaces these, never doubles them.
            domain = urlparse(self.host).hostname
            self.client.cookies.set("sessionid", SESSIONS[self.username].pop(), domain=domain)
            self.client.cookies.set("csrftoken", CSRF, domain=domain)
            return
        self.sign_in()

    def sign_in(self):
        page = self.client.get("/login/", name="login page")
        token = TOKEN.search(page.text).group(1)
        answer = self.client.post(
            "/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/login/"},
            name="login",
            allow_redirects=False,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in: {answer.status_code}")

    def page(self, path: str, name: str):
        """A page as the signed-in user sees it: 200, not a redirect to the login page."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code} {answer.headers.get('Location', '')}")
            return answer

    def api(self, method: str, path: str, name: str, **kwargs):
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                   "Referer": self.host + "/"}  # fmt: skip
        with self.client.request(
            method, path, name=name, headers=headers, catch_response=True, **kwargs
        ) as answer:
            if answer.status_code >= 300:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")
            return answer


class Facilitator(_Signed):
    weight = 30
    username = "facilitator"

    @task(3)
    def search(self):
        name = random.choice(DATA["names"])
        self.page(f"/households/search/?q={name}", "household search")

    @task(3)
    def open_household(self):
        self.page(f"/households/h/{random.choice(DATA['households'])}/", "household page")

    @task(2)
    def save_survey_step(self):
        survey = random.choice(DATA["drafts"])
        self.page(f"/households/surveys/{survey}/step/consent/", "survey step page")
        self.api(
            "PATCH",
            f"/api/v1/surveys/{survey}/steps/consent/",
            "survey step save",
            json={"notice_given": True, "lawful_basis": "public_task"},
        )


class AreaManager(_Signed):
    weight = 8
    username = "manager"

    @task(2)
    def review_queue(self):
        self.page("/households/surveys/review/", "review queue")

    @task(1)
    def verify(self):
        if SUBMITTED:
            survey = SUBMITTED.pop()
            self.api("POST", f"/api/v1/surveys/{survey}/verify/", "survey verify")


class Officer(_Signed):
    weight = 6
    username = "officer"

    @task(2)
    def queue(self):
        self.page("/referrals/queue/", "officer queue")

    @task(1)
    def approve(self):
        if REFERRALS:
            referral = REFERRALS.pop()
            self.api(
                "POST",
                f"/api/v1/referrals/{referral}/approve/",
                "referral approve",
                json={"note": "อนุมัติ"},
            )


class Executive(_Signed):
    weight = 4
    username = "executive"

    @task
    def dashboard(self):
        self.page("/monitoring/", "dashboard")


class Importer(_Signed):
    """One admin with one import at a time: upload, then follow its progress until it ends."""

    fixed_count = 1
    username = "admin"
    wait_time = between(1.0, 2.0)

    def on_start(self):
        self.sign_in()  # the one real login of the run, timed as "login"
        self.job = None

    @task
    def run_import(self):
        if self.job is None:
            if not IMPORT_FILE:
                return
            with open(IMPORT_FILE, "rb") as upload:
                answer = self.api(
                    "POST",
                    "/api/v1/imports/jobs/",
                    "import upload",
                    files={"file": (Path(IMPORT_FILE).name, upload)},
                )
            if answer.status_code == 202:
                self.job = answer.json()["id"]
            return
        answer = self.api("GET", f"/api/v1/imports/jobs/{self.job}/", "import progress")
        if answer.ok and answer.json()["status"] in ("succeeded", "partly_succeeded", "failed"):
            if answer.json()["status"] == "failed":
                answer.failure("the import failed")
            self.job = None
