"""Production settings: everything secure, nothing defaulted that must be secret.

Passes `manage.py check --deploy` when SECRET_KEY (50+ random characters) and ALLOWED_HOSTS are
set in the environment.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production")

# PPAOS_HTTPS=false only for a server on the loopback interface without TLS (scripts/run.sh):
# no redirect to https, no HSTS, and cookies a browser sends over http. Deployments keep HTTPS.
PPAOS_HTTPS = env_bool("PPAOS_HTTPS", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PPAOS_HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PPAOS_HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PPAOS_HTTPS
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Only the collected files in STATIC_ROOT (base.py follows the DEBUG of the environment).
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
