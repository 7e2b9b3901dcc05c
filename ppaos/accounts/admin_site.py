"""The Django admin, held to the access policy like every other page.

The site opens only for active staff whose role grants `MANAGE_USERS` (the admin role), and each
page for the policy action it serves (`PolicyAdminMixin.policy_action`), never for Django's
per-model permissions: access is decided in `policy.py` alone. Models of data subjects
(households, persons, surveys, registrants, referrals...) are not registered at all, because the
admin role may not read them (ROLE_ACTIONS). Every change made here is audited.
"""

from django.contrib import admin

from ppaos.audit.services import record_audit_event

from .policy import Action, role_grants


class PolicyAdminSite(admin.AdminSite):
    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and role_grants(user, Action.MANAGE_USERS))


class PolicyAdminMixin:
    """For ModelAdmin and inlines: the page is open to the roles granting `policy_action`.

    `read_only = True` keeps it to viewing (the audit log, import jobs).
    """

    policy_action: Action
    read_only = False

    def _granted(self, request) -> bool:
        return role_grants(request.user, self.policy_action)

    def has_module_permission(self, request):
        return self._granted(request)

    def has_view_permission(self, request, obj=None):
        return self._granted(request)

    def has_add_permission(self, request, *args):
        return self._granted(request) and not self.read_only

    def has_change_permission(self, request, obj=None):
        return self._granted(request) and not self.read_only

    def has_delete_permission(self, request, obj=None):
        return self._granted(request) and not self.read_only

    def get_list_display(self, request):
        """Date and time columns through the one display rule (ppaos/core/display.py): Django's
        own formats cannot write a Buddhist-era year, so in Thai they would show "1 ธ.ค. 2026"."""
        return [
            _shown_by_display_rule(self.model, name) for name in super().get_list_display(request)
        ]

    # Django's own admin log has no client address and may be cleared; the audit log is
    # append-only. Field names are recorded, never their values.
    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        record_audit_event(actor=request.user, action="admin.added", target=obj)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        record_audit_event(
            actor=request.user,
            action="admin.changed",
            target=obj,
            details={"changed": _changed_fields(message)},
        )
        return entry

    def log_deletions(self, request, queryset):
        objects = list(queryset)
        for obj in objects:
            record_audit_event(actor=request.user, action="admin.deleted", target=obj)
        return super().log_deletions(request, objects)


def _shown_by_display_rule(model, name):
    from django.core.exceptions import FieldDoesNotExist
    from django.db import models

    from ppaos.core.display import format_date, format_datetime

    if not isinstance(name, str):
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if isinstance(field, models.DateTimeField):
        show = format_datetime
    elif isinstance(field, models.DateField):
        show = format_date
    else:
        return name

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj):
        return show(getattr(obj, name))

    column.__name__ = name
    return column


def _changed_fields(message) -> list[str]:
    """The field names in Django's change message (a list of {"changed": {"fields": [...]}})."""
    names: list[str] = []
    for part in message if isinstance(message, list) else []:
        for change in part.values():
            names.extend(str(name) for name in change.get("fields", []))
    return names
