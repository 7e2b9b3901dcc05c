"""Reads about users and what they may do next."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import RoleAssignment
from .policy import Action, role_grants


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    description: str = ""


# What a user may do next, in the order a person in that role works. Each entry names the URL and
# the action that unlocks it; modules that have not arrived yet simply have no URL to reverse.
_NEXT_STEPS = [
    (Action.REVIEW_REGISTRANT, "households:worklist", _("Work list"),
     _("Review welfare-registry leads in your area and survey households.")),
    (Action.VERIFY_SURVEY, "households:review_queue", _("Surveys to review"),
     _("Verify or return surveys submitted by facilitators.")),
    (Action.DECIDE_PERSON_TRANSFER, "households:transfer_queue",
     _("Requests to move a person's record"),
     _("Approve or reject moving a person's record between areas.")),
    (Action.APPROVE_REFERRAL, "referrals:officer_queue", _("Referrals to approve"),
     _("Approve or reject help referrals.")),
    (Action.ACT_ON_REFERRAL, "referrals:agency_inbox", _("Agency inbox"),
     _("Accept referrals and record what your agency did.")),
    (Action.DRAFT_MASTER_PLAN, "masterplans:plan_list", _("Community master plans"),
     _("Draft the village's plan from its survey data, endorse it, follow its projects.")),
    (Action.VIEW_DASHBOARD, "masterplans:overview", _("Master plans overview"),
     _("Every plan by status, with the budget requested and adopted by district and LAO.")),
    (Action.VIEW_DASHBOARD, "monitoring:dashboard", _("Dashboard"),
     _("Households by level, referrals and progress by area.")),
    (Action.HANDLE_DATA_REQUESTS, "privacy:request_list", _("Personal data (PDPA)"),
     _("Requests from data subjects, the 30-day clock and the breach register.")),
    (Action.RUN_IMPORTS, "imports:job_list", _("Imports"),
     _("Import welfare-registry spreadsheets.")),
    (Action.VIEW_AREA, "areas:area_list", _("Areas"),
     _("Browse the provinces, districts, subdistricts and villages you work in.")),
    (Action.VIEW_AUDIT_LOG, "audit:audit_log", _("Audit log"),
     _("Who viewed or changed what, and when.")),
    (Action.MANAGE_USERS, "accounts:user_list", _("Users and roles"),
     _("Create accounts, assign roles and areas, reset passwords.")),
    (Action.MANAGE_USERS, "admin:index", _("Administration"),
     _("Users, roles and catalogues.")),
]  # fmt: skip


def next_steps_for(user) -> list[NavItem]:
    """Navigation entries for the user's roles, in working order; only pages that exist."""
    items = []
    for action, url_name, label, description in _NEXT_STEPS:
        if not role_grants(user, action):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append(NavItem(str(label), url, str(description)))
    return items


def role_assignments_of(user):
    return RoleAssignment.objects.filter(user=user).select_related(
        "area", "area__parent", "area__parent__parent", "agency"
    )


# --- User and role management (admins) ---------------------------------------------------------


def _agency_model():
    """referrals.Agency, reached through the assignment's foreign key: the core imports no
    domain app."""
    return RoleAssignment._meta.get_field("agency").related_model


def users_for_management(actor, *, query: str = ""):
    """Every account, with its roles, areas and agencies prefetched, for admins (MANAGE_USERS);
    none for anyone else. `query` matches username, names, phone or organisation."""
    from django.contrib.auth import get_user_model
    from django.db.models import Prefetch, Q

    users = get_user_model().objects.all()
    if not role_grants(actor, Action.MANAGE_USERS):
        return users.none()
    query = query.strip()
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(phone__icontains=query)
            | Q(organisation__icontains=query)
        )
    return users.order_by("username").prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("area", "agency").order_by(
                "role", "area_id"
            ),
        )
    )


def assignment_label(assignment) -> str:
    """Where a role holds, in words: the area's Thai name and code, the agency's name, or the
    whole system for admins. Never a bare dash."""
    if assignment.area_id:
        return f"{assignment.area.name_th} ({assignment.area_id})"
    if assignment.agency_id:
        return assignment.agency.name_th
    return str(_("Whole system"))


def agencies_for_assignment():
    """Active agencies an admin may assign staff to, by Thai name."""
    return _agency_model().objects.filter(is_active=True).order_by("name_th")


def areas_matching(text: str, levels) -> list:
    """Areas at `levels` whose code is `text` or whose Thai or English name contains it (at most
    20, with their parents for telling namesakes apart)."""
    from django.db.models import Q

    from ppaos.areas.models import Area

    text = text.strip()
    if not text:
        return []
    areas = Area.objects.filter(level__in=levels).select_related("parent", "parent__parent")
    if text.isdigit():
        return list(areas.filter(code=text)[:1])
    return list(
        areas.filter(Q(name_th__icontains=text) | Q(name_en__icontains=text)).order_by("code")[:20]
    )
