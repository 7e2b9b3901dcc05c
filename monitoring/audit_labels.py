"""What the monitoring audit codes mean to a reader (registered in apps.ready)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTION_LABELS = {
    "monitoring.report_requested": _("Monitoring report requested"),
    "monitoring.report_downloaded": _("Monitoring report downloaded"),
}
