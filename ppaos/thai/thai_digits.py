"""Thai digits (เลขไทย ๐–๙) <-> Arabic digits (0–9).

Thai forms and spreadsheets often mix both digit sets; every parser in ``ppaos.thai`` converts
Thai digits to Arabic ones first, so the rest of the code only has to deal with 0–9.
"""

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"

_THAI_TO_ARABIC = str.maketrans(THAI_DIGITS, ARABIC_DIGITS)
_ARABIC_TO_THAI = str.maketrans(ARABIC_DIGITS, THAI_DIGITS)


def to_arabic_digits(text: str) -> str:
    """Return ``text`` with every Thai digit ๐–๙ replaced by 0–9; everything else is unchanged."""
    return text.translate(_THAI_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    """Return ``text`` with every Arabic digit 0–9 replaced by ๐–๙; everything else is unchanged."""
    return text.translate(_ARABIC_TO_THAI)


def has_thai_digits(text: str) -> bool:
    """True when ``text`` contains at least one Thai digit ๐–๙."""
    return any(char in THAI_DIGITS for char in text)
