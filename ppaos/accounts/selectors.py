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
    (Action.VIEW_DASHBOARD, "monitoring:dashboard", _("Dashboard"),
     _("Households by level, referrals and progress by area.")),
    (Action.RUN_IMPORTS, "imports:job_list", _("Imports"),
     _("Import welfare-registry spreadsheets.")),
    (Action.VIEW_AREA, "areas:area_list", _("Areas"),
     _("Browse the provinces, districts, subdistricts and villages you work in.")),
    (Action.VIEW_AUDIT_LOG, "audit:audit_log", _("Audit log"),
     _("Who viewed or changed what, and when.")),
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
