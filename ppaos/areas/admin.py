from django.contrib import admin

from ppaos.accounts.admin_site import PolicyAdminMixin
from ppaos.accounts.policy import Action

from .models import Area, AreaLevel


@admin.register(Area)
class AreaAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """Admins keep villages here. Provinces, districts and subdistricts are the official data
    (`load_areas` refreshes them), so they are shown but not edited."""

    policy_action = Action.MANAGE_VILLAGES
    list_display = ["code", "level", "name_th", "name_en", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_th", "name_en"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]

    def has_change_permission(self, request, obj=None):
        official = obj is not None and obj.level != AreaLevel.VILLAGE
        return super().has_change_permission(request, obj) and not official

    def has_delete_permission(self, request, obj=None):
        official = obj is not None and obj.level != AreaLevel.VILLAGE
        return super().has_delete_permission(request, obj) and not official
