"""The access policy: scoped querysets (deny by default) and the single action check."""

import pytest
from django.core.exceptions import PermissionDenied

from ppaos.accounts.models import Role
from ppaos.accounts.policy import (
    Action,
    area_prefixes_for,
    can,
    ensure_role_allows,
    require,
    scope_queryset,
)
from ppaos.areas.models import Area
from ppaos.areas.selectors import areas_visible_to
from tests.factories import UserFactory, assign

pytestmark = pytest.mark.django_db


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_facilitator_of_a_subdistrict_sees_only_that_subdistrict(facilitator):
    visible = codes(areas_visible_to(facilitator))
    assert visible == {"490101", "49010101", "49010102"}


def test_officer_of_a_district_sees_all_of_the_district(villages):
    officer = assign(UserFactory(username="district_officer"), Role.AREA_MANAGER, "4901")
    visible = codes(areas_visible_to(officer))
    assert "4901" in visible and "490113" in visible and "49010201" in visible
    assert all(code.startswith("4901") for code in visible)
    assert len([c for c in visible if len(c) == 6]) == 13


def test_provincial_officer_sees_the_whole_province_and_nothing_else(provincial_officer):
    visible = codes(areas_visible_to(provincial_officer))
    assert {"49", "4907", "490706", "49020101"} <= visible
    assert all(code.startswith("49") for code in visible)


def test_user_with_no_assignment_sees_nothing(no_role_user):
    assert not areas_visible_to(no_role_user).exists()
    assert area_prefixes_for(no_role_user, Action.VIEW_AREA) == []


def test_anonymous_user_sees_nothing(villages):
    from django.contrib.auth.models import AnonymousUser

    assert not areas_visible_to(AnonymousUser()).exists()


def test_admin_sees_every_area(admin_user):
    assert areas_visible_to(admin_user).count() == Area.objects.count()


def test_inactive_user_sees_nothing(facilitator):
    facilitator.is_active = False
    assert not areas_visible_to(facilitator).exists()


def test_several_assignments_add_up_and_nested_ones_collapse(villages):
    user = UserFactory(username="two_places")
    assign(user, Role.FACILITATOR, "49010101")
    assign(user, Role.FACILITATOR, "490102")
    assign(user, Role.AREA_MANAGER, "490102")
    assert area_prefixes_for(user, Action.VIEW_HOUSEHOLD) == ["49010101", "490102"]
    assert codes(areas_visible_to(user)) == {"49010101", "490102", "49010201"}


def test_scope_only_counts_roles_that_grant_the_action(villages):
    user = UserFactory(username="mixed")
    assign(user, Role.FACILITATOR, "490101")
    assign(user, Role.EXECUTIVE, "49")
    # Executives see areas and dashboards, but households only through the facilitator role.
    assert area_prefixes_for(user, Action.VIEW_AREA) == ["49"]
    assert area_prefixes_for(user, Action.VIEW_HOUSEHOLD) == ["490101"]


def test_can_checks_role_and_area_together(area_manager, facilitator):
    village = Area.objects.get(code="49010201")
    assert can(area_manager, Action.VERIFY_SURVEY, village)
    assert not can(facilitator, Action.VERIFY_SURVEY, village)  # role lacks the action
    assert not can(facilitator, Action.EDIT_HOUSEHOLD, village)  # outside the area
    assert can(facilitator, Action.EDIT_HOUSEHOLD, area_code="49010102")


def test_require_raises_permission_denied(facilitator):
    with pytest.raises(PermissionDenied):
        require(facilitator, Action.VIEW_AUDIT_LOG)


def test_ensure_role_allows_lets_unassigned_users_through_to_an_empty_scope(no_role_user):
    ensure_role_allows(no_role_user, Action.VIEW_HOUSEHOLD)
    assert not scope_queryset(no_role_user, Area.objects.all(), Action.VIEW_HOUSEHOLD).exists()


def test_ensure_role_allows_refuses_a_role_without_the_action(executive):
    with pytest.raises(PermissionDenied):
        ensure_role_allows(executive, Action.VIEW_HOUSEHOLD)


def test_agency_staff_are_never_scoped_by_area(agency_staff):
    assert area_prefixes_for(agency_staff, Action.ACT_ON_REFERRAL) == []
    assert not areas_visible_to(agency_staff).exists()


def test_superuser_holds_the_admin_role(villages):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert can(root, Action.VIEW_AUDIT_LOG)


def test_prefix_of_a_neighbour_code_does_not_leak(villages):
    """490101 must not match 4901010x-like neighbours of another subdistrict, e.g. 49010201."""
    user = assign(UserFactory(username="v"), Role.FACILITATOR, "49010101")
    assert codes(areas_visible_to(user)) == {"49010101"}
