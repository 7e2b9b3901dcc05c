"""Settings read from environment variables, with defaults that work on a developer machine.

Environment: DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS,
TIME_ZONE, IMPORT_MAX_UPLOAD_MB, DATABASE_REPLICA_URL, DATABASE_REPLICA_PIN_SECONDS,
DATABASE_REPLICA_MAX_LAG_SECONDS, CELERY_TASK_DEFAULT_QUEUE, CELERY_ROLLUPS_QUEUE,
CELERY_REPORTS_QUEUE.
See README.md § Configuration.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from ppaos.api.error_components import ERROR_COMPONENTS

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The local default key is for development only; production.py refuses to start without one.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "ppaos.accounts",
    "ppaos.areas",
    "ppaos.audit",
    "ppaos.imports",
    "ppaos.demo",
    "ppaos.notifications",
    "ppaos.core",  # backup and restore commands (ppaos/core/backups.py)
    "households",
    "referrals",
    "masterplans",
    "monitoring",
    "privacy",
    # The admin site obeys the access policy (ppaos/accounts/admin_site.py).
    "ppaos.accounts.admin_apps.PolicyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "knox",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # first after security: error answers get the policy too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A browser that just wrote reads the primary for a while (only with a replica configured).
    "ppaos.db_routers.PinToPrimaryAfterWrite",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ppaos.audit.middleware.ClientAddressMiddleware",
    "ppaos.core.middleware.NoStoreForSignedInUsers",
    # Last, as django-axes asks: turns a locked-out login into the login page with the message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ppaos.urls"
WSGI_APPLICATION = "ppaos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ppaos.accounts.context_processors.navigation",
            ],
            # show_date / show_datetime / amount: the one display rule, in every template.
            "builtins": ["ppaos.core.templatetags.display"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ppaos"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked before reuse: after a PostgreSQL restart the next
        # request reconnects instead of failing on the dead connection.
        conn_health_checks=True,
    )
}
# A streaming replica of the primary (PostgreSQL's own replication), off unless set: the dashboard's
# pages and API and the report task read from it (they opt in: ppaos/db_routers.py); everything
# else and every write uses the primary. A browser that wrote reads the primary for
# DATABASE_REPLICA_PIN_SECONDS afterwards, so it sees its own change while the replica catches up.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "10"))
# A replica further behind than this (or unreachable) is not read: reads go to the primary.
DATABASE_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DATABASE_REPLICA_MAX_LAG_SECONDS", "30"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    # Tests never build a database for it: it is the primary's copy.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["ppaos.db_routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# The lockout check first: it refuses a locked-out username or address before any password is
# compared (ppaos/accounts/login_throttle.py).
AUTHENTICATION_BACKENDS = [
    "ppaos.accounts.login_throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Thai first; English available through the language switch.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Bangkok")
USE_I18N = True
USE_TZ = True
# Day-month-year in both languages (ppaos/formats); pages show dates via ppaos/core/display.py.
FORMAT_MODULE_PATH = ["ppaos.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# The Debian Chromium the Celery workers print PDFs with (the printed master plan).
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Where `manage.py backup` writes (ppaos/core/backups.py); keep it on another disk than MEDIA_ROOT.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
# District and subdistrict boundary shapes (GeoJSON per province, keyed by official codes) for the
# dashboard's map: the project's shared data beside the checkout unless set.
BOUNDARIES_DIR = Path(
    os.environ.get("BOUNDARIES_DIR", BASE_DIR.parent / "shared" / "data" / "boundaries")
)
MEDIA_URL = "media/"  # no route serves it: stored files leave through ppaos/core/stored_files.py
# Who sends the bytes of a permitted download: "django" (FileResponse), "nginx" (X-Accel-Redirect
# to PROTECTED_FILES_INTERNAL_URL, an `internal` location aliased to MEDIA_ROOT) or "sendfile"
# (X-Sendfile with the file's path). Django decides and audits in every mode.
PROTECTED_FILES_SERVER = os.environ.get("PROTECTED_FILES_SERVER", "django")
PROTECTED_FILES_INTERNAL_URL = os.environ.get("PROTECTED_FILES_INTERNAL_URL", "/protected-files/")

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "ppaos",
    }
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL)
# Queues: roll-ups and reports have their own, so their workers can run on other hosts
# (docker-compose.yml: worker-rollups, worker-reports); everything else uses the default queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "ppaos")
CELERY_ROLLUPS_QUEUE = os.environ.get("CELERY_ROLLUPS_QUEUE", "rollups")
CELERY_REPORTS_QUEUE = os.environ.get("CELERY_REPORTS_QUEUE", "reports")


def celery_task_routes(rollups: str, reports: str) -> dict:
    """Task name patterns → queue, first match wins (reports before the other monitoring tasks)."""
    return {
        "monitoring.*report*": {"queue": reports},
        "monitoring.full_rebuild": {"queue": rollups},
        "monitoring.drain_pending_villages": {"queue": rollups},
        "monitoring.*rollup*": {"queue": rollups},
    }


CELERY_TASK_ROUTES = celery_task_routes(CELERY_ROLLUPS_QUEUE, CELERY_REPORTS_QUEUE)
CELERY_TASK_ACKS_LATE = True  # a job whose worker dies is delivered again, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
# Periodic tasks (Celery beat), all in one table: overdue referral reminders each morning (at
# most one a day); monitoring roll-ups drain queued villages every 5 minutes and rebuild nightly;
# imports repair what a dead worker left half-done every 10 minutes.
CELERY_BEAT_SCHEDULE = {
    "referral-overdue-reminders": {
        "task": "referrals.send_overdue_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "monitoring-drain": {"task": "monitoring.drain_pending_villages", "schedule": 300.0},
    # What an import whose worker died left half-done (the registry's deferred index).
    "imports-repair": {"task": "ppaos.imports.repair_interrupted_writes", "schedule": 600.0},
    "monitoring-rebuild": {"task": "monitoring.full_rebuild", "schedule": 86400.0},
    "privacy-data-request-reminders": {  # the 30-day clock of data-subject requests
        "task": "privacy.tasks.send_data_request_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "privacy-retention": {  # RETENTION_DAYS below, applied each night
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=30),
    },
}

# How long each kind of record is kept (PDPA s.23(3), s.37(3)), in days; each overridable by its
# environment variable. The README's "Retention" table explains each. privacy/retention.py
# applies them nightly; `manage.py retention` and /privacy/retention/ show what it would remove.
RETENTION_DAYS = {
    # A person no longer in any household of the registry (moved out, household moved or
    # dissolved) is anonymised this long after they left, unless a referral is still open.
    "exited_persons": int(os.environ.get("RETENTION_EXITED_PERSON_DAYS", str(10 * 365))),
    # Uploaded import files and their error reports (national IDs of whole villages), counted
    # from the end of the import; the job's row and counts stay in the history.
    "import_files": int(os.environ.get("RETENTION_IMPORT_FILE_DAYS", "90")),
    # The copy of a person's data made for an access request, from the request's logging.
    "access_exports": int(os.environ.get("RETENTION_ACCESS_EXPORT_DAYS", "30")),
    # Audit rows; never under a year (the database refuses to delete younger rows).
    "audit_events": max(365, int(os.environ.get("RETENTION_AUDIT_DAYS", str(10 * 365)))),
}

# Notices by email as well as in the app, to users with an address (off unless configured;
# configure Django's EMAIL_BACKEND / EMAIL_HOST too). NOTIFY_SITE_URL prefixes the link.
NOTIFY_BY_EMAIL = os.environ.get("NOTIFY_BY_EMAIL", "false").lower() in ("1", "true", "yes")
NOTIFY_SITE_URL = os.environ.get("NOTIFY_SITE_URL", "")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Tokens for integrations first, so an unauthenticated call answers 401 with
        # `WWW-Authenticate: Token`. No HTTP Basic: passwords never travel on the API.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "ppaos.api.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "ppaos.api.schema.PPAOSAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PPAOS API",
    "DESCRIPTION": "Provincial Poverty Alleviation Operating System",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: field offices have bad internet, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The error bodies every operation documents (ppaos/api/schema.py).
    "APPEND_COMPONENTS": {"schemas": ERROR_COMPONENTS},
    # Choice sets whose field names other components use too (kind, status).
    "ENUM_NAME_OVERRIDES": {
        "DataRequestKindEnum": "privacy.models.RequestKind",
        "DataRequestStatusEnum": "privacy.models.RequestStatus",
        "BreachStatusEnum": "privacy.models.BreachStatus",
    },
}

# Password guessing (django-axes, database handler: no cache state shared between processes or
# test runs). A username is locked after LOGIN_FAILURE_LIMIT_PER_USERNAME failures from any
# address, an address after LOGIN_FAILURE_LIMIT_PER_ADDRESS failures across usernames, each for
# LOGIN_COOLOFF_MINUTES after the last failure. Admins unlock in the Django admin.
AXES_HANDLER = "ppaos.accounts.login_throttle.LoginThrottleHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT_PER_USERNAME", "5"))
LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURE_LIMIT_PER_ADDRESS", "20"))
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "ppaos.accounts.login_throttle.lockout_response"
AXES_ENABLE_ADMIN = False  # our own admin pages, which follow the policy and audit unlocks
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log already
AXES_VERBOSE = False
AXES_HTTP_RESPONSE_CODE = 429
# A failed login's stored GET/POST data and axes' own warnings hold no password and no `next`
# (after a session ends mid-search it is the search, e.g. a national ID); usernames (one may be a
# mistyped password) stay out of the log: axes logs only errors.
AXES_SENSITIVE_PARAMETERS = ["password", "next"]

# API tokens for integrations (django-rest-knox: stored as SHA-512 digests, one user each,
# revocable, expiring). Issued with `manage.py issue_api_token <username>`.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_DAYS), "AUTO_REFRESH": False}

# Content-Security-Policy (django-csp): every script and style is a local static file; no inline
# script, no eval, no inline style (htmx's indicator style is in app.css, see base.html). The API
# docs page alone allows Swagger UI's inline <style> (ppaos/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],  # the service worker (/sw.js), same origin only
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Field work without a signal (issue 16): what a facilitator's phone keeps, and for how long.
OFFLINE_MAX_HOUSEHOLDS = int(os.environ.get("OFFLINE_MAX_HOUSEHOLDS", "200"))
OFFLINE_MAX_LEADS = int(os.environ.get("OFFLINE_MAX_LEADS", "200"))
# Everything kept on the phone is removed when the app is opened after this many days unused.
OFFLINE_MAX_DAYS_UNUSED = int(os.environ.get("OFFLINE_MAX_DAYS_UNUSED", "14"))
# Raise to make every phone fetch the offline shell and its files again.
OFFLINE_CACHE_VERSION = os.environ.get("OFFLINE_CACHE_VERSION", "1")

# Cookies and headers. Secure cookies wherever the site is served over HTTPS: PPAOS_HTTPS (false
# here, for a plain-HTTP loopback demo; true by default in production.py).
PPAOS_HTTPS = env_bool("PPAOS_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PPAOS_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Uploads over this size are refused before they reach the import job.
IMPORT_MAX_UPLOAD_MB = int(os.environ.get("IMPORT_MAX_UPLOAD_MB", "200"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# No national ID or name in any log line (query strings, Thai text, 13-digit runs are redacted,
# ppaos/core/log_redaction.py); Django's own request log goes through the same handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "ppaos.core.log_redaction.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "propagate": False},
        "axes": {"level": "ERROR"},
    },
}

# In development whitenoise serves straight from the app folders; production serves the
# collected, compressed and hashed files from STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
