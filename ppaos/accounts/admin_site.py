"""The Django admin, held to the access policy like every other page.

The site opens only for active staff whose role grants `MANAGE_USERS` (the admin role), and each
page for the policy action it serves (`PolicyAdminMixin.policy_action`), never for Django's
per-model permissions: access is decided in `policy.py` alone. Models of data subjects
(households, persons, surveys, registrants, referrals...) are not registered at all, because the
admin role may not read them (ROLE_ACTIONS). Every change made here is audited.
"""

import functools

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.translation import gettext_lazy as _

from ppaos.audit.services import record_audit_event

from .policy import Action, role_grants


class PolicyAdminSite(admin.AdminSite):
    site_header = _("PPAOS administration")
    site_title = _("PPAOS administration")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and role_grants(user, Action.MANAGE_USERS))


class PolicyAdminMixin:
    """For ModelAdmin and inlines: the page is open to the roles granting `policy_action`.

    `read_only = True` keeps it to viewing (the audit log, import jobs). `field_labels` names
    the fields of a library's model in Thai (its verbose names are English, not translated).
    """

    policy_action: Action
    read_only = False
    field_labels: dict = {}

    def _shown(self, name):
        return _shown_by_display_rule(self.model, name, self.field_labels.get(name))

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
        return [self._shown(name) for name in super().get_list_display(request)]

    def get_readonly_fields(self, request, obj=None):
        """Read-only date and time fields of a detail page through the display rule as well."""
        return [self._shown(name) for name in super().get_readonly_fields(request, obj)]

    def get_fieldsets(self, request, obj=None):
        # The date fields shown as text (the read-only ones; every one on a page its user may
        # not change) are put in by the same display functions get_readonly_fields gives.
        everything = obj is not None and not self.has_change_permission(request, obj)
        as_text = set(super().get_readonly_fields(request, obj))

        def shown(name):
            if isinstance(name, (list, tuple)):  # several fields on one line
                return tuple(shown(each) for each in name)
            if everything or name in as_text:
                return self._shown(name)
            return name

        return [
            (title, {**options, "fields": [shown(name) for name in options["fields"]]})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_exclude(self, request, obj=None):
        # Django leaves read-only fields out of forms by their names; here the read-only list
        # holds display functions, so the names are left out here.
        names = [n for n in super().get_readonly_fields(request, obj) if isinstance(n, str)]
        excluded = super().get_exclude(request, obj)
        if not names:
            return excluded
        if excluded is None:  # Django would then take the form's own Meta.exclude
            excluded = getattr(getattr(self.form, "_meta", None), "exclude", None) or []
        return [*excluded, *names]

    # Forms hold model fields only: the display functions are not form fields.
    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = _form_fields(kwargs.get("fields"))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):  # inlines
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = _form_fields(kwargs["fields"])
        return super().get_formset(request, obj, **kwargs)

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


@functools.cache
def _shown_by_display_rule(model, name, label=None):
    """A date or datetime field's column and read-only value through ppaos/core/display.py; any
    other name as it is, or, given a `label`, under that label. One function per field, so
    fieldsets and read-only lists agree."""
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
    elif label is not None:
        show = str
    else:
        return name

    @admin.display(description=label or field.verbose_name, ordering=name)
    def column(obj):
        value = getattr(obj, name)
        return "-" if value is None else show(value) or "-"  # empty as Django's admin shows it

    column.__name__ = name
    return column


def _form_fields(names):
    return None if names is None else [name for name in names if isinstance(name, str)]


def _changed_fields(message) -> list[str]:
    """The field names in Django's change message (a list of {"changed": {"fields": [...]}})."""
    names: list[str] = []
    for part in message if isinstance(message, list) else []:
        for change in part.values():
            names.extend(str(name) for name in change.get("fields", []))
    return names
