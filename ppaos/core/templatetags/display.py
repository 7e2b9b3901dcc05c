"""Built-in template filters (settings TEMPLATES builtins) for the one display rule:
``{{ d|show_date }}``, ``{{ t|show_datetime }}``, ``{{ n|amount }}`` (see ppaos/core/display.py)."""

from django import template

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
