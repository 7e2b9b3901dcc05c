"""Import jobs, listed for admins. Read-only: jobs are started, followed and retried on the
imports pages, which run them through the services. Files, headers and error details are left
out (they may hold rows of the registry)."""

from django.contrib import admin

from ppaos.accounts.admin_site import PolicyAdminMixin
from ppaos.accounts.policy import Action

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(PolicyAdminMixin, admin.ModelAdmin):
    policy_action = Action.RUN_IMPORTS
    read_only = True
    list_display = [
        "created_at",
        "kind",
        "original_filename",
        "status",
        "dry_run",
        "rows_total",
        "created_count",
        "updated_count",
        "rejected_count",
        "created_by",
    ]
    list_filter = ["kind", "status", "dry_run"]
    list_select_related = ["created_by"]
    fields = [
        "public_id",
        "kind",
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
