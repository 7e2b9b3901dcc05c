"""`bash scripts/run.sh` serves the app as users get it: the production settings with DEBUG off,
a secret key generated once into var/, gunicorn on the loopback interface, plain http there
(explicitly: PPAOS_HTTPS=false) while production proper keeps HTTPS and Secure cookies."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW_SETTINGS = (
    "import json, os, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'module': os.environ['DJANGO_SETTINGS_MODULE'], 'debug': s.DEBUG, "
    "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'session_secure': s.SESSION_COOKIE_SECURE, "
    "'csrf_secure': s.CSRF_COOKIE_SECURE, 'hsts': s.SECURE_HSTS_SECONDS, "
    "'finders': s.WHITENOISE_USE_FINDERS, 'secret_key': s.SECRET_KEY, "
    "'bind': os.environ['BIND'], 'allowed_hosts': s.ALLOWED_HOSTS}))"
)


def run_settings(tmp_path, **env: str) -> dict:
    """The settings a process started the way run.sh starts gunicorn and the worker sees."""
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "DEBUG"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(
        {"PPAOS_SECRET_KEY_FILE": str(tmp_path / "secret_key"), "PY": sys.executable}
    )
    environment.update(env)
    result = subprocess.run(
        ["bash", "-c", f'source scripts/serve_env.sh && exec "$PY" -c "{SHOW_SETTINGS}"'],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_run_sh_serves_through_serve_env_and_gunicorn_on_bind():
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert "source scripts/serve_env.sh" in script
    assert '--bind "$BIND"' in script
    assert "0.0.0.0" not in script
    assert "runserver" not in script


def test_the_run_settings_have_debug_off(tmp_path):
    seen = run_settings(tmp_path, DEBUG="true", DJANGO_SETTINGS_MODULE="ppaos.settings.base")
    assert seen["module"] == "ppaos.settings.production"
    assert seen["debug"] is False
    assert seen["finders"] is False  # whitenoise serves the collected files only


def test_the_run_settings_bind_to_the_loopback_interface_by_default(tmp_path):
    assert run_settings(tmp_path)["bind"] == "127.0.0.1:8000"
    assert run_settings(tmp_path, PORT="8123")["bind"] == "127.0.0.1:8123"
    assert run_settings(tmp_path, BIND="0.0.0.0:9000")["bind"] == "0.0.0.0:9000"


def test_plain_http_on_loopback_is_explicit(tmp_path):
    seen = run_settings(tmp_path)
    assert seen["ssl_redirect"] is False
    assert seen["session_secure"] is False and seen["csrf_secure"] is False
    assert seen["hsts"] == 0


def test_production_without_the_switch_keeps_https_and_secure_cookies(tmp_path):
    seen = run_settings(tmp_path, PPAOS_HTTPS="true")
    assert seen["ssl_redirect"] is True
    assert seen["session_secure"] is True and seen["csrf_secure"] is True
    assert seen["hsts"] == 31536000


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = run_settings(tmp_path)["secret_key"]
    key_file = tmp_path / "secret_key"
    assert len(first) >= 50
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert run_settings(tmp_path)["secret_key"] == first
    assert (
        run_settings(tmp_path, SECRET_KEY="given-" + "k" * 50)["secret_key"] == "given-" + "k" * 50
    )


def test_the_secret_key_file_lives_in_var_which_git_ignores():
    assert "var/secret_key" in (ROOT / "scripts" / "serve_env.sh").read_text()
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "var/secret_key"], cwd=ROOT, capture_output=True
    )
    assert ignored.returncode == 0
