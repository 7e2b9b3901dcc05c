"""Import jobs, listed for admins. Read-only: jobs are started, followed and retried on the
imports pages, which run them through the services. Files, headers and error details are left
out (they may hold rows of the registry)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ppaos.accounts.admin_site import PolicyAdminMixin
from ppaos.accounts.policy import Action

from .importers import registered_importers
from .models import ImportJob


class KindFilter(admin.SimpleListFilter):
    """The registered importers by their names (a job stores its kind's code)."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind, importer.label) for kind, importer in registered_importers().items()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(ImportJob)
class ImportJobAdmin(PolicyAdminMixin, admin.ModelAdmin):
    policy_action = Action.RUN_IMPORTS
    read_only = True
    list_display = [
        "created_at",
        "kind_name",
        "original_filename",
        "status",
        "dry_run",
        "rows_total",
        "created_count",
        "updated_count",
        "rejected_count",
        "created_by",
    ]
    list_filter = [KindFilter, "status", "dry_run"]
    list_select_related = ["created_by"]
    fields = [
        "public_id",
        "kind_name",
        "original_filename",
        "file_size",
        "dry_run",
        "status",
        "rows_total",
        "rows_done",
        "created_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
        "error_code",
        "started_at",
        "finished_at",
        "created_by",
    ]
    readonly_fields = fields

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, job):
        return job.kind_label
