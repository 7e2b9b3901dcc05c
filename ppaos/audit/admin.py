from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only in the admin too: the log is append-only."""

    list_display = ["created_at", "actor", "action", "object_type", "object_repr", "area_code"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "area_code", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
