"""What the referral audit codes mean to a reader (registered in apps.ready)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTION_LABELS = {
    "referral.proposed": _("Referral proposed"),
    "referral.submit": _("Referral submitted"),
    "referral.cancel": _("Referral cancelled"),
    "referral.approve": _("Referral approved"),
    "referral.reject": _("Referral rejected"),
    "referral.accept": _("Referral accepted by the agency"),
    "referral.decline": _("Referral declined by the agency"),
    "referral.start": _("Agency started the help"),
    "referral.complete": _("Referral completed"),
    "referral.reroute": _("Referral sent to another agency"),
    "referral.progress_noted": _("Agency added a progress note"),
    "referral.followed_up": _("Referral followed up with the household"),
    "referral.viewed": _("Referral viewed"),
    "referral.viewed_by_agency": _("Referral viewed by the agency"),
}
