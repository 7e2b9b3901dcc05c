"""Admin pages to keep the catalogue (agencies, services); referrals are read-only here: their
state changes only through the services, which write the history."""

from django.contrib import admin

from .models import Agency, Referral, ReferralTransition, Service


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ("code", "name_th", "name_en", "kind", "capital", "expected_days", "is_active")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name_th", "kind", "code", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name_th", "name_en", "code")
    filter_horizontal = ("areas_served",)
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name_th", "agency", "kind", "capital", "expected_days", "is_active")
    list_filter = ("kind", "capital", "is_active", "agency__kind")
    search_fields = ("name_th", "name_en", "code", "agency__name_th")
    list_select_related = ("agency",)
    autocomplete_fields = ("agency",)


class ReferralTransitionInline(admin.TabularInline):
    model = ReferralTransition
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "actor", "agency", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("public_id", "status", "service", "agency", "area", "urgency", "due_on")
    list_filter = ("status", "urgency", "agency__kind")
    list_select_related = ("service", "agency", "area")
    inlines = [ReferralTransitionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
