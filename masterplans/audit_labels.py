"""What the master-plan audit codes mean to a reader (registered in apps.ready)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTION_LABELS = {
    "masterplan.create": _("Master plan created"),
    "masterplan.view": _("Master plan viewed"),
    "masterplan.update": _("Master plan changed"),
    "masterplan.refresh_data": _("Master plan data computed again"),
    "masterplan.endorse": _("Master plan endorsed by the village forum"),
    "masterplan.problem.create": _("Problem added to a master plan"),
    "masterplan.problem.update": _("Master plan problem changed"),
    "masterplan.problem.delete": _("Master plan problem removed"),
    "masterplan.project.create": _("Master plan project added"),
    "masterplan.project.update": _("Master plan project changed"),
    "masterplan.project.view": _("Master plan project viewed"),
    "masterplan.project.rank": _("Project ranked at the village forum"),
    "masterplan.project.unrank": _("Project returned to draft"),
    "masterplan.project.endorse": _("Project endorsed with its plan"),
    "masterplan.project.submit": _("Project submitted to the LAO"),
    "masterplan.project.record_local_plan": _("Project recorded in the local development plan"),
    "masterplan.project.record_ordinance": _("Project recorded in the budget ordinance"),
    "masterplan.project.complete": _("Project recorded as done"),
    "masterplan.project.not_adopted": _("Project recorded as not adopted"),
}
