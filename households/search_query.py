"""What a search box holds: a national ID in any format, or a Thai name (pure, no Django).

A facilitator types whatever is at hand: "1-1017-00207-03-0", "1 1017 00207 03 0", Thai digits
"๑๑๐๑๗๐๐๒๐๗๐๓๐", or a name, often with a title in front ("นางสมศรี ใจดี") and sometimes misspelt.
"""

import re
from dataclasses import dataclass

from ppaos.thai.thai_digits import to_arabic_digits
from ppaos.thai.thai_id import NationalIdError, normalize_national_id

# Longest first, so "นางสาว" is removed whole rather than leaving "สาว".
TITLES = (
    "เด็กชาย",
    "เด็กหญิง",
    "นางสาว",
    "ด.ช.",
    "ด.ญ.",
    "น.ส.",
    "นาง",
    "นาย",
)

_ID_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.]+")
_WHITESPACE = re.compile(r"\s+")


class QueryKind:
    EMPTY = "empty"
    NATIONAL_ID = "national_id"
    # Only digits, but not a valid 13-digit ID: nothing to search by name either.
    INVALID_ID = "invalid_id"
    NAME = "name"


@dataclass(frozen=True)
class SearchQuery:
    kind: str
    value: str = ""
    # For INVALID_ID: the NationalIdError code ("wrong_length", "bad_checksum"...).
    error_code: str = ""


def strip_title(name: str) -> str:
    """Drop a leading Thai title ("นาง", "นางสาว", "ด.ช."...) when a name follows it."""
    for title in TITLES:
        if name.startswith(title) and len(name) > len(title):
            return name[len(title) :].lstrip()
    return name


def normalize_name_query(text: str) -> str:
    """Collapse whitespace and drop a leading title: "  นางสมศรี   ใจดี " -> "สมศรี ใจดี"."""
    return strip_title(_WHITESPACE.sub(" ", text).strip())


def parse_search_query(text: str | None) -> SearchQuery:
    """Decide whether the text is a national ID (digits and separators only) or a name."""
    text = (text or "").strip()
    if not text:
        return SearchQuery(QueryKind.EMPTY)
    digits = _ID_SEPARATORS.sub("", to_arabic_digits(text))
    if digits.isdigit() and digits.isascii():
        try:
            return SearchQuery(QueryKind.NATIONAL_ID, normalize_national_id(digits))
        except NationalIdError as error:
            return SearchQuery(QueryKind.INVALID_ID, digits, error.code)
    name = normalize_name_query(text)
    return SearchQuery(QueryKind.NAME, name) if name else SearchQuery(QueryKind.EMPTY)
