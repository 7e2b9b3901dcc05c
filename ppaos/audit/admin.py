from django.contrib import admin

from ppaos.accounts.admin_site import PolicyAdminMixin
from ppaos.accounts.policy import Action

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """Read-only in the admin too: the log is append-only."""

    policy_action = Action.VIEW_AUDIT_LOG
    read_only = True
    list_display = ["created_at", "actor", "action", "object_type", "object_repr", "area_code"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "area_code", "actor__username"]
