"""Thai formats for anything that still goes through Django's own localisation (admin, widgets).

Django cannot write a Buddhist-era year from a format string, so pages use the filters in
ppaos/core/templatetags/display.py; these formats show day/month numbers only where Django
would otherwise print a CE year, and read both eras in inputs via ppaos.core.forms.ThaiDateField.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
