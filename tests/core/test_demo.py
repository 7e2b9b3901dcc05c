import pytest

from ppaos.accounts.models import Role, RoleAssignment, User
from ppaos.areas.models import Area, AreaLevel
from ppaos.demo.services import DEMO_PASSWORD, seed_demo

pytestmark = pytest.mark.django_db


def village_names():
    return list(
        Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith="49").values_list(
            "code", "name_th"
        )
    )


def test_demo_builds_the_province_493_villages_under_its_53_subdistricts():
    seed_demo(seed=1)
    villages = Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith="49")
    assert villages.count() == 493
    assert villages.values("parent_id").distinct().count() == 53
    assert villages.filter(code__startswith="4901").count() == 149
    assert villages.filter(code__startswith="4904").count() == 57


def test_demo_is_deterministic_for_a_seed():
    seed_demo(seed=5)
    first = village_names()
    Area.objects.filter(level=AreaLevel.VILLAGE).delete()
    seed_demo(seed=5)
    assert village_names() == first


def test_running_the_demo_again_adds_nothing():
    seed_demo(seed=1)
    assert seed_demo(seed=1)["villages_created"] == 0
    assert RoleAssignment.objects.filter(user__username="facilitator").count() == 1


def test_demo_has_one_user_per_role_with_the_documented_password():
    seed_demo(seed=1)
    for role in Role.values:
        assignment = RoleAssignment.objects.get(role=role, user__username__in=[
            "facilitator", "manager", "officer", "agency", "executive", "admin",
        ])  # fmt: skip
        assert assignment.user.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_staff
