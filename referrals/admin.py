"""Admin pages to keep the catalogue (agencies, services).

Referrals and their history are not here: they hold a household's needs and contacts, which the
admin role may not read (policy ROLE_ACTIONS); their pages are the referral views, scoped and
audited."""

from django.contrib import admin

from ppaos.accounts.admin_site import PolicyAdminMixin
from ppaos.accounts.policy import Action

from .models import Agency, Service


class ServiceInline(PolicyAdminMixin, admin.TabularInline):
    policy_action = Action.MANAGE_CATALOGUE
    model = Service
    extra = 0
    fields = ("code", "name_th", "name_en", "kind", "capital", "expected_days", "is_active")


@admin.register(Agency)
class AgencyAdmin(PolicyAdminMixin, admin.ModelAdmin):
    policy_action = Action.MANAGE_CATALOGUE
    list_display = ("name_th", "kind", "code", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name_th", "name_en", "code")
    filter_horizontal = ("areas_served",)
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(PolicyAdminMixin, admin.ModelAdmin):
    policy_action = Action.MANAGE_CATALOGUE
    list_display = ("name_th", "agency", "kind", "capital", "expected_days", "is_active")
    list_filter = ("kind", "capital", "is_active", "agency__kind")
    search_fields = ("name_th", "name_en", "code", "agency__name_th")
    list_select_related = ("agency",)
    autocomplete_fields = ("agency",)
