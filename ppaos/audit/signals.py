"""Sign-ins and sign-outs go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .services import record_audit_event


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record_audit_event(actor=user, action="user.logged_in", target=user)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_audit_event(actor=user, action="user.logged_out", target=user)
