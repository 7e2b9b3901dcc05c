"""Built-in template filters (settings TEMPLATES builtins) for the one display rule:
``{{ d|show_date }}``, ``{{ t|show_datetime }}``, ``{{ n|amount }}`` (see ppaos/core/display.py)."""

from django import template

from ppaos.audit.action_labels import action_label as _action_label
from ppaos.core import display

register = template.Library()


@register.filter
def show_date(value):
    return display.format_date(value)


@register.filter
def show_datetime(value):
    return display.format_datetime(value)


@register.filter
def amount(value, places=None):
    return display.format_amount(value, None if places in (None, "") else int(places))


@register.filter
def action_label(code):
    """An audit action code's human label ("" when nobody labelled it; show the code then)."""
    return _action_label(code or "")
