from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from knox import admin as knox_admin  # noqa: F401  (registers AuthToken, replaced below)
from knox.models import AuthToken

from .admin_site import PolicyAdminMixin
from .models import RoleAssignment, User
from .policy import Action
from .services import revoke_api_tokens, unlock_logins

# Access is decided by roles (policy.py), not by Django groups and permissions.
admin.site.unregister(Group)
# knox's own page shows a new token in a message stored in the session; tokens are issued with
# `manage.py issue_api_token` instead, and only listed and revoked here.
admin.site.unregister(AuthToken)


class RoleAssignmentInline(PolicyAdminMixin, admin.TabularInline):
    policy_action = Action.MANAGE_USERS
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["area"]
    readonly_fields = ["granted_by", "created_at"]


@admin.register(User)
class UserAdmin(PolicyAdminMixin, DjangoUserAdmin):
    policy_action = Action.MANAGE_USERS
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "organisation", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Work"), {"fields": ("phone", "organisation")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_filter = ("is_staff", "is_superuser", "is_active")

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, RoleAssignment) and instance.granted_by_id is None:
                instance.granted_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(PolicyAdminMixin, admin.ModelAdmin):
    policy_action = Action.MANAGE_USERS
    list_display = ["user", "role", "area", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "area__code", "area__name_th"]
    autocomplete_fields = ["user", "area"]


@admin.register(AccessAttempt)
class LoginLockoutAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """Failed logins counted towards a lockout (django-axes). Removing a row unlocks it."""

    policy_action = Action.MANAGE_USERS
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "path_info"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "user_agent", "path_info", "failures_since_start"]
    readonly_fields = fields
    actions = ["unlock"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Unlock: forget these failed logins"))
    def unlock(self, request, queryset):
        count = unlock_logins(actor=request.user, attempts=queryset)
        self.message_user(request, _("%(count)d lockout record(s) removed.") % {"count": count})

    def delete_model(self, request, obj):
        unlock_logins(actor=request.user, attempts=AccessAttempt.objects.filter(pk=obj.pk))

    def log_deletions(self, request, queryset):
        # unlock_logins writes the audit rows; keep only Django's own admin log.
        return admin.ModelAdmin.log_deletions(self, request, queryset)


@admin.register(AuthToken)
class ApiTokenAdmin(PolicyAdminMixin, admin.ModelAdmin):
    """API tokens (django-rest-knox). Only a digest is stored; deleting a token revokes it."""

    policy_action = Action.MANAGE_USERS
    field_labels = {
        "token_key": _("token key"),
        "user": _("user"),
        "created": _("issued on"),
        "expiry": _("expires on"),
    }
    list_display = ["token_key", "user", "created", "expiry"]
    search_fields = ["token_key", "user__username"]
    list_select_related = ["user"]
    fields = ["token_key", "user", "created", "expiry"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Revoke the selected API tokens"))
    def revoke(self, request, queryset):
        count = revoke_api_tokens(actor=request.user, tokens=queryset)
        self.message_user(request, _("%(count)d API token(s) revoked.") % {"count": count})

    def delete_model(self, request, obj):
        revoke_api_tokens(actor=request.user, tokens=AuthToken.objects.filter(pk=obj.pk))

    def log_deletions(self, request, queryset):
        return admin.ModelAdmin.log_deletions(self, request, queryset)
