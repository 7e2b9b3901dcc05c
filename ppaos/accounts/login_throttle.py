"""Protection against password guessing, on every form that checks a password (django-axes).

Two limits, counted over the cool-off period (settings, README § Configuration):

- a *username* is locked after `AXES_FAILURE_LIMIT` failures, from whichever addresses they come
  (guessing one officer's password from many machines);
- an *address* is locked after `LOGIN_FAILURE_LIMIT_PER_ADDRESS` failures across usernames
  (trying one common password on many accounts). It is higher than the username limit because a
  field office may share one address.

While locked, even the right password is refused: the backend answers before any password is
compared. Failures are kept in PostgreSQL by axes' database handler, so nothing is shared through
the cache between processes or test runs. The login page (or the admin's) is shown again with the
message, answered 429. Lockouts are audited once, when they begin (`auth.locked_out`); unlocking
is `ppaos.accounts.services.unlock_logins`.
"""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.dispatch import receiver
from django.forms.utils import ErrorDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from ppaos.audit.services import record_audit_event

_ALREADY_LOCKED = "_ppaos_already_locked_out"
_LOCKED_BY = "_ppaos_locked_by"


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a locked-out username or address before the password is checked.

    `authenticate()` without a request (the test client's `login()`, a shell) is not a login form
    on the web and is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            # Tell the lockout audit that this attempt only prolongs a lockout already recorded.
            setattr(request, _ALREADY_LOCKED, True)
            raise


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per username and a (higher) limit per address.

    Axes compares one failure count with one limit; this count reaches the username limit when
    either limit is reached. Needs `AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]`, in
    that order.
    """

    def get_failures(self, request, credentials=None) -> int:
        by_username, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        username_limit = settings.AXES_FAILURE_LIMIT
        locked_by = []
        if by_username >= username_limit:
            locked_by.append("username")
        if by_address >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            locked_by.append("address")
        setattr(request, _LOCKED_BY, locked_by)
        if "address" in locked_by:
            return max(by_username, username_limit)
        return by_username

    def user_logged_in(self, sender, request, user, **kwargs):
        """A successful login forgets that username's own failures, not the address's failures
        on other usernames (axes' AXES_RESET_ON_SUCCESS would forget both, so one valid account
        could keep resetting an address that tries passwords on many)."""
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(username=user.get_username()).delete()


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    """One audit row when a lockout begins: the account by id if it exists, never the username
    typed (it may be a mistyped password), and never a password. The address is the row's
    client address."""
    if request is None or getattr(request, _ALREADY_LOCKED, False):
        return
    user = None
    if username:
        user = get_user_model().objects.filter(username=username).first()
    record_audit_event(
        actor=None,
        action="auth.locked_out",
        target=user,
        details={
            "known_account": user is not None,
            "locked_by": getattr(request, _LOCKED_BY, []),
            "path": request.path,
        },
    )


def lockout_message() -> str:
    return _(
        "Too many failed log-in attempts: logging in is blocked for %(minutes)d minutes. Try "
        "again later, or ask an administrator to unlock it."
    ) % {"minutes": settings.LOGIN_COOLOFF_MINUTES}


def _form_with_message(form_class, request, username: str):
    form = form_class(request, initial={"username": username})
    # An unbound form that carries the message as its non-field error, so the login templates
    # show it where they show a wrong password.
    form.cleaned_data = {}
    form._errors = ErrorDict()
    form.add_error(None, lockout_message())
    return form


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the lockout message (AXES_LOCKOUT_CALLABLE)."""
    username = get_client_username(request, credentials) or ""
    status = settings.AXES_HTTP_RESPONSE_CODE
    redirect_to = request.POST.get(REDIRECT_FIELD_NAME, "")
    if request.path.startswith(reverse("admin:index")):
        context = {
            **admin.site.each_context(request),
            "title": _("Log in"),
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            "form": _form_with_message(AdminAuthenticationForm, request, username),
            REDIRECT_FIELD_NAME: redirect_to,
        }
        return render(request, "admin/login.html", context, status=status)
    context = {
        "form": _form_with_message(AuthenticationForm, request, username),
        REDIRECT_FIELD_NAME: redirect_to,
    }
    return render(request, "registration/login.html", context, status=status)
