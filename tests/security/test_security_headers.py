"""Security headers: a Content-Security-Policy without inline script or eval on pages and API
answers; nothing of a signed-in user stored by a browser or proxy (no-store) while static files
keep their cache; Secure cookies under the production settings; templates with nothing inline
that the policy would refuse."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import household_with_head

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    assert header, "no Content-Security-Policy header"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_strict(policy: dict[str, list[str]], *, inline_style_allowed: bool = False) -> None:
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert all("'unsafe-eval'" not in values for values in policy.values())
    if not inline_style_allowed:
        assert policy["style-src"] == ["'self'"]


def test_pages_carry_the_policy(client, facilitator):
    _assert_strict(_policy(client.get(reverse("login"))))
    client.force_login(facilitator)
    household = household_with_head("49010101")
    for url in (
        reverse("home"),
        reverse("households:worklist"),
        reverse("households:household_detail", args=[household.public_id]),
        "/households/no-such-page/",
    ):
        _assert_strict(_policy(client.get(url)))


def test_api_answers_carry_the_policy(client, facilitator):
    client.force_login(facilitator)
    _assert_strict(_policy(client.get("/api/v1/households/")))
    _assert_strict(_policy(client.get("/api/v1/schema/")))


def test_the_api_docs_run_no_inline_script(client, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    _assert_strict(_policy(response), inline_style_allowed=True)
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> on the docs page"
    (start_up,) = re.findall(r'<script src="([^"]*script=[^"]*)"', html)
    script = client.get(start_up.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_other_headers(client, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("home"))
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_household_page_and_an_api_list_are_not_stored(client, facilitator):
    client.force_login(facilitator)
    household = household_with_head("49010101")
    for url in (
        reverse("households:household_detail", args=[household.public_id]),
        "/api/v1/households/",
        "/api/v1/persons/?q=สมศรี",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url
        assert "private" in response.headers["Cache-Control"], url
        assert response.headers["Pragma"] == "no-cache", url


def test_static_files_keep_their_cache(client, facilitator):
    client.force_login(facilitator)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "Pragma" not in response.headers


def _production_setting(*names: str, **env: str) -> list[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "PPAOS_HTTPS"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="ppaos.settings.production",
        SECRET_KEY="x7$Kq!2vR9#mZp4LwB8&nT6yHc3@fJ5sD1gA0eUoVbNi-Xr_PlQk",
        ALLOWED_HOSTS="ppaos.example.go.th",
        **env,
    )
    code = "from django.conf import settings; " + "; ".join(
        f"print(settings.{name})" for name in names
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_cookies_are_secure_http_only_and_same_site():
    names = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY")
    assert _production_setting(*names, "SESSION_COOKIE_SAMESITE") == [
        "True",
        "True",
        "True",
        "Lax",
    ]
    # A plain-HTTP demo says so explicitly; then the browser could not send a Secure cookie.
    assert _production_setting(*names[:2], PPAOS_HTTPS="false") == ["False", "False"]


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
REFUSED = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>"),
    "<style> block": re.compile(r"<style[\s>]"),
    "style attribute": re.compile(r"\sstyle=[\"']"),
    "inline event handler": re.compile(r"\son[a-z]+=[\"']"),
    "hx-on handler": re.compile(r"\shx-on"),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_hold_nothing_the_policy_refuses(template):
    text = template.read_text(encoding="utf-8")
    found = [what for what, pattern in REFUSED.items() if pattern.search(text)]
    assert not found, found
