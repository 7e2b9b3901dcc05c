"""Shared fixtures: one user per role on a small area tree in Mukdahan (49), real PostgreSQL.

Area tree used throughout (official codes; villages are created here):
    49 มุกดาหาร → 4901 เมืองมุกดาหาร → 490101 มุกดาหาร → 49010101, 49010102
                                      → 490102 ศรีบุญเรือง → 49010201
                → 4902 นิคมคำสร้อย → 490201
    48 นครพนม (a neighbouring province)
"""

import os

import pytest

from ppaos.accounts.models import Role
from ppaos.areas.models import Area, AreaLevel
from ppaos.areas.services import load_official_areas
from tests.factories import UserFactory, assign


@pytest.fixture
def official_areas(db):
    """The official areas. Migrations load them; a transactional test's flush removes them."""
    # A test that made a few areas by hand (a province alone) and a flush that did not finish
    # both leave a partial tree: check a subdistrict too; loading is idempotent.
    if Area.objects.filter(code__in=("49", "490101", "480101")).count() < 3:
        load_official_areas()
    return Area.objects.filter(level=AreaLevel.PROVINCE)


def _village(code: str, name: str) -> Area:
    village, _ = Area.objects.get_or_create(
        code=code,
        defaults={"level": AreaLevel.VILLAGE, "parent_id": code[:6], "name_th": name},
    )
    return village


@pytest.fixture
def villages(official_areas):
    return {
        "49010101": _village("49010101", "บ้านโนนสูง"),
        "49010102": _village("49010102", "บ้านหนองแดง"),
        "49010201": _village("49010201", "บ้านดอนตาล"),
        "49020101": _village("49020101", "บ้านนาหว้า"),
    }


@pytest.fixture
def facilitator(villages):
    return assign(UserFactory(username="fac_490101"), Role.FACILITATOR, "490101")


@pytest.fixture
def neighbour_facilitator(villages):
    return assign(UserFactory(username="fac_490102"), Role.FACILITATOR, "490102")


@pytest.fixture
def area_manager(villages):
    return assign(UserFactory(username="mgr_4901"), Role.AREA_MANAGER, "4901")


@pytest.fixture
def provincial_officer(villages):
    return assign(UserFactory(username="officer_49"), Role.PROVINCIAL_OFFICER, "49")


@pytest.fixture
def other_province_officer(villages):
    return assign(UserFactory(username="officer_48"), Role.PROVINCIAL_OFFICER, "48")


@pytest.fixture
def agency(villages):
    """An agency serving the whole of Mukdahan (49)."""
    from referrals.models import Agency, AgencyKind

    agency, _ = Agency.objects.get_or_create(
        code="test-pmj-49",
        defaults={"name_th": "สำนักงานพัฒนาสังคมทดสอบ", "kind": AgencyKind.GOVERNMENT_OFFICE},
    )
    agency.areas_served.add("49")
    return agency


@pytest.fixture
def agency_staff(agency):
    from ppaos.accounts.models import RoleAssignment
    from ppaos.accounts.policy import forget_assignments

    user = UserFactory(username="agency_staff")
    RoleAssignment.objects.get_or_create(user=user, role=Role.AGENCY_STAFF, agency=agency)
    forget_assignments(user)
    return user


@pytest.fixture
def executive(villages):
    return assign(UserFactory(username="exec_49"), Role.EXECUTIVE, "49")


@pytest.fixture
def admin_user(villages):
    return assign(UserFactory(username="sysadmin"), Role.ADMIN, None)


@pytest.fixture
def no_role_user(villages):
    return UserFactory(username="nobody")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker process for the whole run, reading the test database.

    Tasks only see committed rows: tests that hand work to it use `transactional_db`.
    """
    from tests.worker import start_worker, stop_worker

    with django_db_blocker.unblock():
        process = start_worker(name="session")
    yield process
    stop_worker(process)


@pytest.fixture(autouse=True, scope="session")
def _media_root_as_the_workers():
    """Celery workers are started with this run's environment (tests/imports/conftest.py puts a
    temporary MEDIA_ROOT there): the test process stores and reads files where they do, from the
    start of the run (module-scoped data such as the access matrix's stores files too)."""
    from django.test.utils import override_settings

    media_root = os.environ.get("MEDIA_ROOT")
    if not media_root:
        yield
        return
    with override_settings(MEDIA_ROOT=media_root):
        yield
