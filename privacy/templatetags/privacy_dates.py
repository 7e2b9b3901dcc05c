from django import template
from django.utils import timezone, translation

from ppaos.thai.thai_dates import format_thai_date

register = template.Library()


@register.filter
def be_date(value):
    """A date (or the local date of a datetime) in the Buddhist era in Thai, ISO otherwise."""
    if not value:
        return "—"
    if hasattr(value, "hour"):
        local = timezone.localtime(value)
        day, clock = local.date(), f" {local:%H:%M}"
    else:
        day, clock = value, ""
    if translation.get_language() == "th":
        return format_thai_date(day) + clock
    return day.isoformat() + clock
