"""The one access policy every module uses (DESIGN.md §1, §5).

Two questions, answered here and nowhere else:

1. *What may this user see?* — `scope_queryset(user, queryset, action, area_field=...)` keeps the
   rows whose area code starts with one of the codes the user holds a role for that grants
   `action`. A record outside that scope does not exist for the user (views answer 404). A user
   with no assignment gets an empty queryset: deny by default, never "everything".
2. *May this user do this to that object?* — `can(user, action, obj)` / `require(...)`: the user
   holds a role that grants the action, for an area that contains the object (403 otherwise).

Scoping is a prefix match on area codes (province `49` ⊃ district `4901` ⊃ subdistrict `490101`
⊃ village `49010105`), which an indexed column answers with one range scan.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import Role, RoleAssignment


class Action(StrEnum):
    # Core
    VIEW_AREA = "view_area"
    MANAGE_VILLAGES = "manage_villages"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_USERS = "manage_users"
    RUN_IMPORTS = "run_imports"
    MANAGE_CATALOGUE = "manage_catalogue"
    # Households and surveys
    VIEW_HOUSEHOLD = "view_household"
    EDIT_HOUSEHOLD = "edit_household"
    REVIEW_REGISTRANT = "review_registrant"
    ENTER_SURVEY = "enter_survey"
    VERIFY_SURVEY = "verify_survey"
    # Bulk survey import (xlsx template, KoboToolbox / ODK exports): rows only for the user's
    # own areas, each written through the same survey services as a typed survey.
    IMPORT_SURVEYS = "import_surveys"
    VIEW_NATIONAL_ID = "view_national_id"
    REVIEW_DUPLICATES = "review_duplicates"
    # Moving a person's record between areas: the managers of both areas decide.
    DECIDE_PERSON_TRANSFER = "decide_person_transfer"
    # Referrals
    PROPOSE_REFERRAL = "propose_referral"
    FORWARD_REFERRAL = "forward_referral"
    APPROVE_REFERRAL = "approve_referral"
    ACT_ON_REFERRAL = "act_on_referral"
    # Community master plans
    DRAFT_MASTER_PLAN = "draft_master_plan"
    ENDORSE_MASTER_PLAN = "endorse_master_plan"
    # Monitoring
    VIEW_DASHBOARD = "view_dashboard"
    RUN_REPORTS = "run_reports"
    # PDPA duties (privacy app): data-subject requests, retention report, breach register.
    HANDLE_DATA_REQUESTS = "handle_data_requests"


_FIELD_WORK = frozenset(
    {
        Action.VIEW_AREA,
        Action.VIEW_HOUSEHOLD,
        Action.EDIT_HOUSEHOLD,
        Action.REVIEW_REGISTRANT,
        Action.ENTER_SURVEY,
        Action.IMPORT_SURVEYS,
        Action.VIEW_NATIONAL_ID,
        Action.PROPOSE_REFERRAL,
        Action.DRAFT_MASTER_PLAN,
    }
)

# Which actions each role grants, within the area of the assignment (DESIGN.md §1 Roles).
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.FACILITATOR: _FIELD_WORK,
    Role.AREA_MANAGER: _FIELD_WORK
    | {
        Action.VERIFY_SURVEY,
        Action.FORWARD_REFERRAL,
        Action.VIEW_DASHBOARD,
        Action.REVIEW_DUPLICATES,
        Action.DECIDE_PERSON_TRANSFER,
        # The area manager records the community's endorsement on the village forum's behalf.
        Action.ENDORSE_MASTER_PLAN,
    },
    Role.PROVINCIAL_OFFICER: frozenset(
        {
            Action.VIEW_AREA,
            Action.VIEW_HOUSEHOLD,
            Action.VIEW_NATIONAL_ID,
            Action.APPROVE_REFERRAL,
            Action.ENDORSE_MASTER_PLAN,
            Action.VIEW_DASHBOARD,
            Action.RUN_REPORTS,
            # Pairs and transfers that cross districts: only the province covers both areas.
            Action.REVIEW_DUPLICATES,
            Action.DECIDE_PERSON_TRANSFER,
            Action.HANDLE_DATA_REQUESTS,
        }
    ),
    # Agency staff are scoped by their agency (referrals module), never by area.
    Role.AGENCY_STAFF: frozenset({Action.ACT_ON_REFERRAL}),
    # Aggregates only: no names or national IDs.
    Role.EXECUTIVE: frozenset({Action.VIEW_AREA, Action.VIEW_DASHBOARD, Action.RUN_REPORTS}),
    Role.ADMIN: frozenset(
        {
            Action.VIEW_AREA,
            Action.MANAGE_VILLAGES,
            Action.VIEW_AUDIT_LOG,
            Action.MANAGE_USERS,
            Action.RUN_IMPORTS,
            Action.MANAGE_CATALOGUE,
        }
    ),
}

WHOLE_COUNTRY = ""  # the prefix every area code starts with: an admin's scope

_CACHE_ATTR = "_ppaos_assignments"


def assignments_of(user) -> list[tuple[str, str | None]]:
    """(role, area code) pairs the user holds, read once per request and cached on the user.

    Django superusers hold the admin role implicitly, so `createsuperuser` gives a working admin.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).values_list("role", "area_id"))
        if user.is_superuser and not any(role == Role.ADMIN for role, _ in cached):
            cached.append((Role.ADMIN, None))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_assignments(user) -> None:
    """Drop the cached assignments after they change (tests, role management)."""
    for attribute in (_CACHE_ATTR, _AGENCY_CACHE_ATTR):
        if hasattr(user, attribute):
            delattr(user, attribute)


_AGENCY_CACHE_ATTR = "_ppaos_agency_ids"


def agency_ids_for(user, action: Action = Action.ACT_ON_REFERRAL) -> list[int]:
    """The agencies (ids) for which the user may take `action` as agency staff; empty if none.

    Agency staff are scoped by agency, never by area: this is their whole scope. Cached on the
    user for the request, like the assignments.
    """
    if action not in ROLE_ACTIONS[Role.AGENCY_STAFF] or Role.AGENCY_STAFF not in roles_of(user):
        return []
    cached = getattr(user, _AGENCY_CACHE_ATTR, None)
    if cached is None:
        cached = sorted(
            RoleAssignment.objects.filter(
                user=user, role=Role.AGENCY_STAFF, agency__isnull=False
            ).values_list("agency_id", flat=True)
        )
        setattr(user, _AGENCY_CACHE_ATTR, cached)
    return cached


def roles_of(user) -> set[str]:
    return {role for role, _ in assignments_of(user)}


def has_any_assignment(user) -> bool:
    return bool(assignments_of(user))


def area_prefixes_for(user, action: Action) -> list[str]:
    """The area codes within which the user may take `action`, with covered codes removed.

    An empty list means nowhere. `WHOLE_COUNTRY` ("") means everywhere (admins).
    """
    codes: set[str] = set()
    for role, area_code in assignments_of(user):
        if action not in ROLE_ACTIONS.get(role, ()):
            continue
        if role == Role.ADMIN:
            codes.add(WHOLE_COUNTRY)
        elif area_code:
            codes.add(area_code)
    return _without_covered(codes)


def _without_covered(codes: Iterable[str]) -> list[str]:
    kept: list[str] = []
    for code in sorted(codes, key=len):
        if not any(code.startswith(shorter) for shorter in kept):
            kept.append(code)
    return sorted(kept)


def scope_q(user, action: Action, *, area_field: str = "area") -> Q:
    """A filter that keeps rows whose `area_field` (an area code) lies in the user's scope."""
    prefixes = area_prefixes_for(user, action)
    if not prefixes:
        return Q(pk__in=[])
    if WHOLE_COUNTRY in prefixes:
        return Q()
    if area_field.endswith("_id"):
        # A foreign key to Area answers no `startswith`; its target (the code, Area's primary
        # key) does, and Django reads it from the same column without a join.
        area_field = f"{area_field[:-3]}__pk"
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{area_field}__startswith": prefix})
    return condition


def scope_queryset(user, queryset: QuerySet, action: Action, *, area_field: str = "area_id"):
    """`queryset` narrowed to what the user may see for `action`; empty for no assignment."""
    prefixes = area_prefixes_for(user, action)
    if not prefixes:
        return queryset.none()
    return queryset.filter(scope_q(user, action, area_field=area_field))


def role_grants(user, action: Action) -> bool:
    """Whether any role the user holds grants `action` somewhere."""
    return any(action in ROLE_ACTIONS.get(role, ()) for role, _ in assignments_of(user))


def area_code_of(obj) -> str:
    """The area code an object lives in: its `policy_area_code`, `area_id`, or an Area's code."""
    for attribute in ("policy_area_code", "area_id"):
        value = getattr(obj, attribute, None)
        if value is not None:
            return value
    from ppaos.areas.models import Area

    if isinstance(obj, Area):
        return obj.code
    raise TypeError(f"{type(obj).__name__} has no area code for the access policy")


def can(user, action: Action, obj=None, *, area_code: str | None = None) -> bool:
    """Whether the user may take `action` (on `obj`, or in `area_code`, when given)."""
    if obj is not None:
        area_code = area_code_of(obj)
    prefixes = area_prefixes_for(user, action)
    if area_code is None:
        return bool(prefixes)
    return any(area_code.startswith(prefix) for prefix in prefixes)


def require(user, action: Action, obj=None, *, area_code: str | None = None) -> None:
    """Raise PermissionDenied (HTTP 403) unless `can(user, action, obj)`."""
    if not can(user, action, obj, area_code=area_code):
        raise PermissionDenied(_("You do not have permission to do this."))


def ensure_role_allows(user, action: Action) -> None:
    """403 for a user whose roles do not grant `action` anywhere.

    A user with no assignment at all passes: the scoped queryset they get is empty, so lists show
    nothing and records answer 404 (deny by default, and nothing to enumerate).
    """
    if has_any_assignment(user) and not role_grants(user, action):
        raise PermissionDenied(_("Your role does not allow this."))


def ensure_role_grants(user, action: Action) -> None:
    """403 unless one of the user's roles grants `action` somewhere, no assignment included.

    For writes that start something new (create a household, propose a referral, upload an
    import): there is no record to hide behind a 404, and a user with no assignment may create
    nothing, so the refusal comes before the request body is validated.
    """
    if not role_grants(user, action):
        raise PermissionDenied(_("Your role does not allow this."))
