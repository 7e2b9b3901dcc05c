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
- the model is one whose staleness would break a sign-in (sessions, API tokens, lockouts).

The state lives in a ContextVar, so threads and async tasks do not share it.
"""

import contextvars
import functools
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import URLPattern, URLResolver

REPLICA_DB_ALIAS = "replica"
PIN_COOKIE = "ppaos_primary_until"
# Apps always read from the primary: a replica a few seconds behind must not sign anyone out.
PRIMARY_ONLY_APPS = frozenset({"sessions", "knox", "axes"})

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


def read_alias(model=None) -> str:
    """The alias a read of `model` uses now."""
    if not (_replica_reads.get() and replica_configured()) or _pinned.get():
        return DEFAULT_DB_ALIAS
    if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
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
