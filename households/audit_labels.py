"""What the household registry's audit codes mean to a reader (registered in apps.ready)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTION_LABELS = {
    "household.created": _("Household created"),
    "household.updated": _("Household updated"),
    "household.viewed": _("Household viewed"),
    "household.member_added": _("Member added to a household"),
    "household.member_updated": _("Household member updated"),
    "household.member_moved_out": _("Member moved out"),
    "household.head_transferred": _("Head of household changed"),
    "household.programme_add_on": _("Household added to the programme"),
    "household.programme_exit": _("Household left the programme"),
    "person.created": _("Person created"),
    "person.updated": _("Person updated"),
    "person.viewed": _("Person viewed"),
    "person_transfer.requested": _("Move of a person requested"),
    "person_transfer.side_approved": _("Move of a person approved by one side"),
    "person_transfer.approved": _("Move of a person approved"),
    "person_transfer.rejected": _("Move of a person rejected"),
    "registrant.viewed": _("Welfare registrant viewed"),
    "registrant.finding_recorded": _("Field finding recorded"),
    "duplicate.flagged": _("Possible duplicate flagged"),
    "duplicate.reviewed": _("Possible duplicate reviewed"),
    "survey.started": _("Survey started"),
    "survey.draft_saved": _("Survey draft saved"),
    "survey.offline_conflict": _("Survey change from a phone met a newer version"),
    "survey.offline_conflict_resolved": _("Survey conflict settled on the phone"),
    "survey.submitted": _("Survey submitted"),
    "survey.returned": _("Survey returned to the facilitator"),
    "survey.verified": _("Survey verified and classified"),
    "survey.viewed": _("Survey viewed"),
}
