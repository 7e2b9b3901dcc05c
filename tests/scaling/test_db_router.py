"""The replica router (ppaos/db_routers.py): only code that opts in reads from the replica, never
a write, never a browser that has just written, never inside a transaction on the primary, never
the accounts (users, roles) that decide access, never a replica that lags or does not answer."""

import copy
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import resolve

from monitoring.models import AreaRollup
from ppaos import db_routers
from ppaos.accounts.models import RoleAssignment, User
from ppaos.db_routers import (
    PIN_COOKIE,
    PinToPrimaryAfterWrite,
    ReplicaRouter,
    _wrap_view,
    forget_replica_freshness,
    pinned_to_primary,
    read_alias,
    read_from_replica,
    replica_is_fresh,
)
from tests.scaling.replica_alias import real_replica_connection

# Adding the alias to DATABASES is what setting DATABASE_REPLICA_URL does; Django warns about it.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@contextmanager
def with_replica(fresh=True):
    """A `replica` alias in DATABASES; its freshness taken as looked up just now (`fresh`): the
    look itself is tested against real connections below."""
    databases = copy.deepcopy(settings.DATABASES)
    databases["replica"] = {**databases["default"], "TEST": {"MIRROR": "default"}}
    with override_settings(DATABASES=databases):
        with db_routers._freshness.lock:
            db_routers._freshness.checked_at = time.monotonic()
            db_routers._freshness.fresh = fresh
        try:
            yield
        finally:
            forget_replica_freshness()


def test_without_a_replica_every_read_uses_the_primary():
    assert "replica" not in settings.DATABASES
    with read_from_replica():
        assert read_alias(AreaRollup) == "default"
        assert ReplicaRouter().db_for_read(AreaRollup) == "default"


def test_reads_go_to_the_replica_only_inside_the_opt_in():
    with with_replica():
        assert read_alias(AreaRollup) == "default"
        with read_from_replica():
            assert ReplicaRouter().db_for_read(AreaRollup) == "replica"
        assert read_alias(AreaRollup) == "default"


def test_writes_and_migrations_always_use_the_primary():
    router = ReplicaRouter()
    with with_replica(), read_from_replica():
        assert router.db_for_write(User) == "default"
        assert router.allow_migrate("default", "accounts") is True
        assert router.allow_migrate("replica", "accounts") is False


def test_sessions_and_pinned_blocks_stay_on_the_primary():
    with with_replica(), read_from_replica():
        assert read_alias(Session) == "default"
        with pinned_to_primary():
            assert read_alias(AreaRollup) == "default"
        assert read_alias(AreaRollup) == "replica"


def test_users_and_roles_that_decide_access_are_read_from_the_primary():
    # A deactivated user or a revoked role must lose the dashboard at once, however far the
    # replica lags; the roles also decide which figures are suppressed.
    router = ReplicaRouter()
    with with_replica(), read_from_replica():
        assert router.db_for_read(User) == "default"
        assert router.db_for_read(RoleAssignment) == "default"
        assert router.db_for_read(Group) == "default"
        assert router.db_for_read(AreaRollup) == "replica"


def test_a_stale_or_unreachable_replica_is_not_read():
    with with_replica(fresh=False), read_from_replica():
        assert read_alias(AreaRollup) == "default"


def test_the_replica_lag_is_looked_up_on_a_real_connection(django_db_blocker):
    # Outside pytest-django's transaction, so the router may choose the replica.
    with django_db_blocker.unblock(), real_replica_connection(), read_from_replica():
        assert db_routers.replica_lag_seconds() == 0  # not a standby: nothing to replay
        assert replica_is_fresh() is True
        assert read_alias(AreaRollup) == "replica"
        # Looked up once, then trusted for REPLICA_CHECK_SECONDS.
        assert db_routers._freshness.checked_at is not None


def test_a_replica_behind_the_limit_sends_reads_to_the_primary(django_db_blocker):
    # A limit below any lag there can be: the replica counts as too far behind.
    with (
        django_db_blocker.unblock(),
        real_replica_connection(),
        override_settings(DATABASE_REPLICA_MAX_LAG_SECONDS=-1),
        read_from_replica(),
    ):
        assert read_alias(AreaRollup) == "default"


def test_an_unreachable_replica_sends_reads_to_the_primary(django_db_blocker):
    from tests.scaling.pg_cluster import free_port

    with (
        django_db_blocker.unblock(),
        real_replica_connection(HOST="127.0.0.1", PORT=str(free_port())),
        read_from_replica(),
    ):
        assert read_alias(AreaRollup) == "default"
        # The failure is remembered: the next read does not try to connect again.
        assert read_alias(AreaRollup) == "default"
        assert db_routers._freshness.fresh is False


@pytest.mark.django_db
def test_inside_a_transaction_on_the_primary_reads_stay_there():
    # pytest-django runs this test inside a transaction on the primary.
    with with_replica(), read_from_replica():
        assert read_alias(AreaRollup) == "default"


def _alias_view(request):
    with read_from_replica():
        return HttpResponse(read_alias(AreaRollup))


def test_a_write_pins_the_browser_to_the_primary_for_a_while():
    middleware = PinToPrimaryAfterWrite(_alias_view)
    factory = RequestFactory()
    with with_replica(), override_settings(DATABASE_REPLICA_PIN_SECONDS=30):
        assert middleware(factory.get("/")).content == b"replica"
        posted = middleware(factory.post("/"))
        assert posted.content == b"default"  # the writing request itself
        cookie = posted.cookies[PIN_COOKIE]
        assert cookie["max-age"] == 30
        assert int(cookie.value) >= time.time() + 29
        after = factory.get("/")
        after.COOKIES[PIN_COOKIE] = cookie.value
        assert middleware(after).content == b"default"
        expired = factory.get("/")
        expired.COOKIES[PIN_COOKIE] = str(int(time.time()) - 1)
        assert middleware(expired).content == b"replica"
        forged = factory.get("/")
        forged.COOKIES[PIN_COOKIE] = "not a time"
        assert middleware(forged).content == b"replica"


def test_without_a_replica_the_middleware_sets_no_cookie():
    response = PinToPrimaryAfterWrite(_alias_view)(RequestFactory().post("/"))
    assert PIN_COOKIE not in response.cookies


def test_the_dashboard_urls_opt_in_and_others_do_not():
    assert resolve("/monitoring/").func.reads_from_replica is True
    assert resolve("/monitoring/area/49/").func.reads_from_replica is True
    for other in ("/", "/referrals/queue/", "/login/", "/api/v1/docs/"):
        assert not getattr(resolve(other).func, "reads_from_replica", False), other


def test_a_wrapped_view_reads_from_the_replica_and_an_unwrapped_one_does_not():
    def probe(request):
        return HttpResponse(read_alias(AreaRollup))

    with with_replica():
        assert _wrap_view(probe)(RequestFactory().get("/")).content == b"replica"
        assert probe(RequestFactory().get("/")).content == b"default"
