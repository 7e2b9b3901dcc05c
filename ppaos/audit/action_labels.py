"""Human labels for audit action codes ("import.job_finished" → "นำเข้าเสร็จแล้ว").

The core labels its own codes here; each app declares its codes in a dict and registers it in
its AppConfig.ready (`register_action_labels({...})`), so the core never imports an app. A code
nobody labelled is shown as it is; "<kind>.listed" (a list read, ppaos/audit/reads.py) gets a
generic label.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, object] = {}


def register_action_labels(labels: dict[str, object]) -> None:
    """Add an app's {action code: lazy label} (later registrations of a code win)."""
    _LABELS.update(labels)


def action_label(code: str) -> str:
    """The label of an action code in the active language; "" when nobody labelled it."""
    label = _LABELS.get(code)
    if label is not None:
        return str(label)
    if code.endswith(".listed"):
        return gettext("Opened a list (%(kind)s)") % {"kind": code.removesuffix(".listed")}
    return ""


register_action_labels(
    {
        "user.logged_in": _("Signed in"),
        "user.logged_out": _("Signed out"),
        "auth.locked_out": _("Sign-in locked after failed attempts"),
        "auth.unlocked": _("Sign-in unlocked"),
        "api_token.issued": _("API token issued"),
        "api_token.revoked": _("API token revoked"),
        "admin.added": _("Admin: record added"),
        "admin.changed": _("Admin: record changed"),
        "admin.deleted": _("Admin: record deleted"),
        "area.village_created": _("Village created"),
        "import.job_created": _("Import started"),
        "import.job_finished": _("Import finished"),
        "import.job_failed": _("Import failed"),
        "import.job_restarted": _("Import restarted"),
        "import.file_downloaded": _("Imported file downloaded"),
        "import.error_report_downloaded": _("Import error report downloaded"),
        "import.column_mapping_saved": _("Import columns matched"),
        "demo.seeded": _("Demo data created"),
        "demo.households_seeded": _("Demo households created"),
    }
)
