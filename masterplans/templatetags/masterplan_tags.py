"""The panel the household page includes: the master-plan projects that target the household,
read through the scoped selector for the signed-in user."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("masterplans/_household_projects_panel.html", takes_context=True)
def household_projects_panel(context, household):
    user = context["request"].user
    return {
        "projects": [
            {
                "project": project,
                "state_label": selectors.state_label(project.state),
                "adopted": project.state in selectors.ADOPTED_STATES
                and project.budget_adopted is not None,
            }
            for project in selectors.projects_serving(user, household)
        ]
    }
