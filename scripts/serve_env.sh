# The environment scripts/run.sh serves with (sourced, not run; tests/security checks it): the
# production settings with DEBUG off, a secret key generated once and kept in var/ (never
# committed), plain http because the server listens on the loopback interface only.
# Usage: source scripts/serve_env.sh   (from the project root; BIND, PORT may be set)

# Always the production settings: a demo reachable in a browser must not show debug pages or
# serve files the way a development server does.
export DJANGO_SETTINGS_MODULE=ppaos.settings.production
export DEBUG=false
# No TLS on 127.0.0.1: no redirect to https, cookies not marked Secure (production default: on).
export PPAOS_HTTPS="${PPAOS_HTTPS:-false}"
PORT="${PORT:-8000}"
# Loopback by default. Listening elsewhere (BIND=0.0.0.0:8000) needs ALLOWED_HOSTS and, for
# anyone but yourself, HTTPS in front (PPAOS_HTTPS=true).
export BIND="${BIND:-127.0.0.1:$PORT}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1]}"

if [ -z "${SECRET_KEY:-}" ]; then
    secret_key_file="${PPAOS_SECRET_KEY_FILE:-var/secret_key}"
    if [ ! -s "$secret_key_file" ]; then
        mkdir -p "$(dirname "$secret_key_file")"
        (umask 077 && "${PY:-python3}" -c 'import secrets; print(secrets.token_urlsafe(50))' \
            >"$secret_key_file")
    fi
    SECRET_KEY="$(cat "$secret_key_file")"
fi
export SECRET_KEY
