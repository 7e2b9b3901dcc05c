from django.contrib import admin

from ppaos.accounts.admin_site import PolicyAdminMixin
from ppaos.accounts.policy import Action

from .models import Area


@admin.register(Area)
class AreaAdmin(PolicyAdminMixin, admin.ModelAdmin):
    policy_action = Action.MANAGE_VILLAGES
    list_display = ["code", "level", "name_th", "name_en", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_th", "name_en"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]
