"""Showing national IDs: in full to roles that need them in that area, masked to everyone else."""

from django import template

from ppaos.accounts.policy import Action, can
from ppaos.thai.thai_id import NationalIdError, format_national_id, mask_national_id

register = template.Library()


@register.simple_tag(takes_context=True)
def national_id(context, value, area_code=""):
    """`{% national_id person.national_id household.area_id %}` → "1-1017-00207-03-0" or, for a
    user who may not see IDs in that area, "1-1017-xxxxx-xx-0" (PDPA data minimisation)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    try:
        if user is not None and can(user, Action.VIEW_NATIONAL_ID, area_code=area_code or ""):
            return format_national_id(value)
        return mask_national_id(value)
    except NationalIdError:
        return ""
