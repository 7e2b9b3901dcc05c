# Shared set-up for scripts/run.sh and scripts/test.sh (sourced, not run): system packages, the
# virtual environment with every pinned dependency, PostgreSQL and Redis up, the database there.
# Usage: PPAOS_EXTRAS=dev source scripts/setup.sh
set -euo pipefail

PPAOS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$PPAOS_ROOT"
PY="$PPAOS_ROOT/.venv/bin/python"

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }

apt_install() {
    # Debian packages the project needs; installed only when missing (needs root, as here).
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    if [ ${#missing[@]} -gt 0 ]; then
        say "Installing Debian packages: ${missing[*]}"
        local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# gettext compiles the Thai translations; the Thai font renders pages and screenshots properly;
# the Celery workers print the community master plan's PDF with Debian's Chromium (never
# `playwright install`), and poppler-utils (pdftotext, pdftoppm) reads it back.
system_packages=(gettext fonts-thai-tlwg chromium poppler-utils)
if [ "${PPAOS_EXTRAS:-}" = "dev" ]; then
    # Browser tests drive the same Chromium.
    system_packages+=(chromium-driver)
fi
apt_install "${system_packages[@]}"

pip_install() {
    # pip, quiet, without this machine's harmless "Location ... is ignored" chatter; fails loudly.
    local log status=0
    log="$(mktemp)"
    "$PY" -m pip install -q "$@" >"$log" 2>&1 || status=$?
    grep -v "^WARNING: Location" "$log" || true
    rm -f "$log"
    return "$status"
}

PYTHON_BIN="${PYTHON_BIN:-$(command -v python3.11 || command -v python3)}"
if [ ! -x "$PY" ]; then
    say "Creating the virtual environment (.venv) with $PYTHON_BIN"
    "$PYTHON_BIN" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${PPAOS_EXTRAS:-base}"
if [ ! -f "$stamp" ]; then
    say "Installing pinned dependencies from pyproject.toml"
    pip_install --upgrade pip
    if [ "${PPAOS_EXTRAS:-}" = "dev" ]; then
        pip_install ".[dev]"
    else
        pip_install "."
    fi
    rm -f .venv/.installed-*
    touch "$stamp"
fi

export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}"
if ! pg_isready -q -h "$PGHOST"; then
    say "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
    say "Starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi
for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" && break; sleep 1; done

# The database named by DATABASE_URL (default: ppaos on the local server).
db_name="$("$PY" -c 'import os, urllib.parse; print(urllib.parse.urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ppaos")).path.lstrip("/"))')"
if ! psql -h "$PGHOST" -U "$PGUSER" -tAc "SELECT 1 FROM pg_database WHERE datname='$db_name'" | grep -q 1; then
    say "Creating database $db_name"
    createdb -h "$PGHOST" -U "$PGUSER" "$db_name"
fi

say "Compiling translations"
"$PY" manage.py compilemessages --locale th -v0
