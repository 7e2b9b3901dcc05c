"""Reads from a streaming replica, for the code that asks for it (DATABASE_REPLICA_URL).

Nothing reads from the replica unless it opts in: the dashboard's pages and API (wrapped where
their URLs are included, ppaos/urls.py) and the report task run inside `read_from_replica()`.
Everything else, and every write, uses the primary (`default`). Inside `read_from_replica()` a read
still goes to the primary when

- no replica is configured (the `replica` alias does not exist): the feature is off;
- the request is pinned to the primary: a user who just wrote (any POST/PUT/PATCH/DELETE) reads
  the primary for DATABASE_REPLICA_PIN_SECONDS afterwards, so they see their own change even while
  the replica lags (`PinToPrimaryAfterWrite` middleware, a cookie) — and during the writing
  request itself;
- the primary connection is inside a transaction (it must see its own uncommitted rows);
- the model is one whose staleness would break a sign-in or decide access wrongly (sessions, API
  tokens, lockouts, and the accounts app: a deactivated user or a revoked role must lose access at
  once, and the roles decide what a user may see and which figures are suppressed);
- the replica is more than DATABASE_REPLICA_MAX_LAG_SECONDS behind the primary, or unreachable
  (checked at most every REPLICA_CHECK_SECONDS per process, `replica_is_fresh`).

The state lives in a ContextVar, so threads and async tasks do not share it.
"""

import contextvars
import functools
import logging
import threading
import time
from contextlib import contextmanager, suppress

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import URLPattern, URLResolver

REPLICA_DB_ALIAS = "replica"
PIN_COOKIE = "ppaos_primary_until"
# Apps always read from the primary: a replica a few seconds behind must not sign anyone out, nor
# keep a deactivated user or a revoked role working. `accounts` holds the users and their role
# assignments (all that ppaos/accounts/policy.py reads to decide scope, agency and role); `auth`
# holds Django's groups and permissions.
PRIMARY_ONLY_APPS = frozenset({"sessions", "knox", "axes", "accounts", "auth"})
# How long one process trusts its last look at the replica's lag (or at its being unreachable).
REPLICA_CHECK_SECONDS = 5.0
# How far behind the replica is, in seconds: 0 when it has replayed all it received (an idle
# primary sends nothing, so the last replay time alone would look like lag) or is not a standby.
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)

logger = logging.getLogger(__name__)

_replica_reads = contextvars.ContextVar("ppaos_replica_reads", default=False)
_pinned = contextvars.ContextVar("ppaos_pinned_to_primary", default=False)


def replica_configured() -> bool:
    return REPLICA_DB_ALIAS in settings.DATABASES


@contextmanager
def read_from_replica():
    """Reads inside this block may go to the replica (a decorator too: `@read_from_replica()`)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


@contextmanager
def pinned_to_primary():
    """Reads inside this block stay on the primary, even inside `read_from_replica()`."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def max_lag_seconds() -> float:
    return float(getattr(settings, "DATABASE_REPLICA_MAX_LAG_SECONDS", 30))


def replica_lag_seconds() -> float:
    """How far the replica is behind the primary now, in seconds (raises if it is unreachable)."""
    with connections[REPLICA_DB_ALIAS].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


class _Freshness:
    """The last look at the replica, shared by the threads of one process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at = None  # time.monotonic() of the last look
        self.fresh = False

    def forget(self) -> None:
        with self.lock:
            self.checked_at = None


_freshness = _Freshness()


def replica_is_fresh() -> bool:
    """True when the replica answers and is at most DATABASE_REPLICA_MAX_LAG_SECONDS behind;
    looked up at most once per REPLICA_CHECK_SECONDS in this process."""
    now = time.monotonic()
    with _freshness.lock:
        last = _freshness.checked_at
        if last is not None and now - last < REPLICA_CHECK_SECONDS:
            return _freshness.fresh
        try:
            fresh = replica_lag_seconds() <= max_lag_seconds()
            if not fresh:
                logger.warning("replica too far behind the primary: reading the primary")
        except Exception:  # unreachable, refused, misconfigured: the primary still answers
            logger.warning("replica unreachable: reading the primary", exc_info=True)
            with suppress(Exception):
                connections[REPLICA_DB_ALIAS].close()
            fresh = False
        _freshness.checked_at = now
        _freshness.fresh = fresh
        return fresh


def forget_replica_freshness() -> None:
    """Look at the replica again on the next read (tests; after a failover)."""
    _freshness.forget()


def read_alias(model=None) -> str:
    """The alias a read of `model` uses now."""
    if not (_replica_reads.get() and replica_configured()) or _pinned.get():
        return DEFAULT_DB_ALIAS
    if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if not replica_is_fresh():
        return DEFAULT_DB_ALIAS
    return REPLICA_DB_ALIAS


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads by `read_alias`, writes and migrations on the primary."""

    def db_for_read(self, model, **hints):
        return read_alias(model)

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: an object read from either relates to the other.
        aliases = {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


def pin_seconds() -> int:
    return int(getattr(settings, "DATABASE_REPLICA_PIN_SECONDS", 10))


class PinToPrimaryAfterWrite:
    """Middleware: a writing request, and the requests of the same browser for the next
    DATABASE_REPLICA_PIN_SECONDS, read from the primary (a cookie holding the time it ends)."""

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writing = request.method not in self.SAFE_METHODS
        if not replica_configured():
            return self.get_response(request)
        token = _pinned.set(writing or self._pinned_by_cookie(request))
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if writing:
            seconds = pin_seconds()
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
            )
        return response

    @staticmethod
    def _pinned_by_cookie(request) -> bool:
        try:
            until = int(request.COOKIES.get(PIN_COOKIE, "0"))
        except ValueError:
            return False
        return until >= time.time()


def _wrap_view(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with read_from_replica():
            response = view(request, *args, **kwargs)
            # A template response renders later, outside the view: render it in the block.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    wrapped.reads_from_replica = True
    return wrapped


def _wrap_patterns(patterns):
    wrapped = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            resolver = URLResolver(
                entry.pattern,
                _wrap_patterns(entry.url_patterns),
                entry.default_kwargs,
                entry.app_name,
                entry.namespace,
            )
            wrapped.append(resolver)
        elif isinstance(entry, URLPattern):
            view = _wrap_view(entry.callback)
            wrapped.append(URLPattern(entry.pattern, view, entry.default_args, entry.name))
        else:
            wrapped.append(entry)
    return wrapped


def replica_reads(included):
    """Every view under an `include(...)` reads inside `read_from_replica()`:
    `path("monitoring/", replica_reads(include("monitoring.urls")))`."""
    urlconf_module, app_name, namespace = included
    patterns = getattr(urlconf_module, "urlpatterns", urlconf_module)
    return (_wrap_patterns(patterns), app_name, namespace)
