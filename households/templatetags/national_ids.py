"""`{% national_id %}`: a national ID in full or masked, by the viewer and the record's area."""

from django import template

from households.national_id_display import national_id_for_viewer

register = template.Library()


@register.simple_tag(takes_context=True)
def national_id(context, value, area_code=""):
    """`{% national_id person.national_id household.area_id %}` → "1-1017-00207-03-0" or, for a
    user who may not see IDs in that area, "1-1017-xxxxx-xx-0"."""
    request = context.get("request")
    return national_id_for_viewer(getattr(request, "user", None), value, area_code)
