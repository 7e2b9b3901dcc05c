"""Writes about accounts: unlocking logins, issuing and revoking API tokens. Each is audited."""

import datetime
import secrets

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from knox.models import AuthToken

from ppaos.areas.models import AreaLevel
from ppaos.audit.services import record_audit_event

from .policy import Action, forget_assignments, require


def _require_user_manager(actor) -> None:
    """`actor=None` is the server operator at the command line (manage.py), trusted by access."""
    if actor is not None:
        require(actor, Action.MANAGE_USERS)


def unlock_logins(*, actor, attempts) -> int:
    """Forget the recorded failed logins in `attempts` (AccessAttempt rows), which lifts the
    lockouts they caused. For admins (MANAGE_USERS). One `auth.unlocked` row each: the account by
    id when the username exists, otherwise only that it was an unknown username.
    Returns the number of rows removed."""
    _require_user_manager(actor)
    users = get_user_model().objects
    with transaction.atomic():
        rows = list(attempts.select_for_update())
        for attempt in rows:
            user = users.filter(username=attempt.username).first() if attempt.username else None
            record_audit_event(
                actor=actor,
                action="auth.unlocked",
                target=user,
                details={
                    "known_account": user is not None,
                    "failures": attempt.failures_since_start,
                },
            )
        AccessAttempt.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def issue_api_token(*, actor, user, days: int) -> tuple[AuthToken, str]:
    """A new API token for `user`, valid for `days`. Only its SHA-512 digest is stored: the token
    itself is returned once, to be handed to the integration. For admins (MANAGE_USERS) or the
    operator at the command line (actor None). Audited as `api_token.issued` on the user."""
    _require_user_manager(actor)
    if days < 1:
        raise ValueError("An API token must be valid for at least one day")
    with transaction.atomic():
        instance, token = AuthToken.objects.create(user=user, expiry=datetime.timedelta(days=days))
        record_audit_event(
            actor=actor,
            action="api_token.issued",
            target=user,
            details={"token_key": instance.token_key, "expires_at": instance.expiry.isoformat()},
        )
    return instance, token


def revoke_api_tokens(*, actor, tokens) -> int:
    """Delete the given AuthToken rows: calls with them answer 401 from now on. For admins
    (MANAGE_USERS) or the operator (actor None). Audited as `api_token.revoked` on each user."""
    _require_user_manager(actor)
    with transaction.atomic():
        rows = list(tokens.select_related("user").select_for_update(of=("self",)))
        for token in rows:
            record_audit_event(
                actor=actor,
                action="api_token.revoked",
                target=token.user,
                details={"token_key": token.token_key},
            )
        AuthToken.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


# --- User and role management (admins, MANAGE_USERS) -------------------------------------------
#
# Every write below is audited on the user it changes; no password, generated or chosen, ever
# reaches an audit row or a log line.


class UserManagementError(ValueError):
    """A refused change (last admin role, self-deactivation, wrong area level): the message is
    shown to the admin beside the form."""


def _assignment_details(assignment) -> dict:
    return {
        "role": assignment.role,
        "area_code": assignment.area_id or "",
        "agency_id": assignment.agency_id,
    }


def create_user(*, actor, username: str, first_name="", last_name="", phone="", organisation=""):
    """A new, active account with no password usable yet (set one with `reset_password`) and no
    role (it sees nothing until one is assigned). Audited as `user.created`."""
    require(actor, Action.MANAGE_USERS)
    users = get_user_model()
    with transaction.atomic():
        user = users(
            username=username.strip(),
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            organisation=organisation,
        )
        user.set_unusable_password()
        user.save()
        record_audit_event(actor=actor, action="user.created", target=user, details={})
    return user


def assign_role(*, actor, user, role: str, area=None, agency=None):
    """Give `user` the `role` for `area` (area roles, at a level the role allows) or for `agency`
    (agency staff). Admins hold neither. Audited as `role.assigned`."""
    from .models import ROLE_AREA_LEVELS, Role, RoleAssignment

    require(actor, Action.MANAGE_USERS)
    if role not in Role.values:
        raise UserManagementError(_("Choose a role."))
    if role == Role.AGENCY_STAFF:
        if agency is None:
            raise UserManagementError(_("Agency staff need an agency."))
        area = None
    elif role == Role.ADMIN:
        area, agency = None, None
    else:
        agency = None
        levels = ROLE_AREA_LEVELS[role]
        if area is None or area.level not in levels:
            raise UserManagementError(
                _("This role is assigned to an area at these levels: %(levels)s.")
                % {"levels": ", ".join(str(AreaLevel(level).label) for level in levels)}
            )
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, area=area, agency=agency, defaults={"granted_by": actor}
        )
        if not created:
            raise UserManagementError(_("The user already holds this role there."))
        record_audit_event(
            actor=actor,
            action="role.assigned",
            target=user,
            area_code=assignment.area_id or "",
            details=_assignment_details(assignment),
        )
    forget_assignments(user)
    return assignment


def withdraw_role(*, actor, assignment) -> None:
    """Remove one role assignment. An admin cannot withdraw their own last admin role (nobody
    would be left to give it back). Audited as `role.withdrawn`."""
    from .models import Role, RoleAssignment

    require(actor, Action.MANAGE_USERS)
    with transaction.atomic():
        assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        if (
            assignment.role == Role.ADMIN
            and assignment.user_id == actor.pk
            and not RoleAssignment.objects.filter(user=actor, role=Role.ADMIN)
            .exclude(pk=assignment.pk)
            .exists()
        ):
            raise UserManagementError(_("You cannot withdraw your own last administrator role."))
        details = _assignment_details(assignment)
        user = assignment.user
        assignment.delete()
        record_audit_event(
            actor=actor,
            action="role.withdrawn",
            target=user,
            area_code=details["area_code"],
            details=details,
        )
    forget_assignments(user)


def set_user_active(*, actor, user, active: bool) -> None:
    """Deactivate (cannot sign in; API tokens stop working) or reactivate an account. An admin
    cannot deactivate themselves. Audited as `user.deactivated` / `user.reactivated`."""
    require(actor, Action.MANAGE_USERS)
    if not active and user.pk == actor.pk:
        raise UserManagementError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active", "updated_at"])
        if not active:
            AuthToken.objects.filter(user=user).delete()
        record_audit_event(
            actor=actor,
            action="user.reactivated" if active else "user.deactivated",
            target=user,
            details={},
        )


def generate_password() -> str:
    """A password a person can read aloud and type on a phone: four groups of four letters and
    digits without look-alikes (0/O, 1/l/I)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    groups = ("".join(secrets.choice(alphabet) for _n in range(4)) for _m in range(4))
    return "-".join(groups)


def reset_password(*, actor, user) -> str:
    """Give `user` a new generated password and return it, to be shown once to the admin; only its
    hash is stored. Audited as `user.password_reset` (without the password)."""
    require(actor, Action.MANAGE_USERS)
    password = generate_password()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password", "updated_at"])
        record_audit_event(actor=actor, action="user.password_reset", target=user, details={})
    return password
