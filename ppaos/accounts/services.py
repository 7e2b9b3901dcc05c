"""Writes about accounts: unlocking logins, issuing and revoking API tokens. Each is audited."""

import datetime

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import transaction
from knox.models import AuthToken

from ppaos.audit.services import record_audit_event

from .policy import Action, require


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
