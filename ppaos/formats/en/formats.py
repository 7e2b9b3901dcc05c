"""English formats: day-month-year, never the US month-first order."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %b %Y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
