"""Auditing lists, searches and exports of personal data: one row per request (PDPA s.37).

Detail pages write "<object>.viewed" rows in their services. A list shows up to 200 records per
request, so it is audited too, by one mechanism: `record_list_read` (services.py) writes the row;
`describe_filters` turns the query string into details that identify no one; the two adapters
below call them, `audit_page_read` from a page view and `AuditedListMixin` for a DRF viewset.

The filter record keeps parameter names and harmless values (area codes, statuses, booleans,
page numbers, record UUIDs). Free text (a searched name or national ID, a house number) is never
stored: only that it was given and, for the search box, whether it looked like an ID or a name.
"""

import re

from ppaos.accounts.policy import assignments_of
from ppaos.thai.thai_digits import to_arabic_digits

from .services import record_list_read

# Parameters whose value is typed by the user and may be a name, an ID or an address.
FREE_TEXT_PARAMS = frozenset(
    {"q", "search", "name", "national_id", "house_number", "phone", "first_name", "last_name"}
)
# Parameters whose kind of value is worth knowing (a national ID or a name search).
SEARCH_PARAMS = frozenset({"q", "search"})

_SAFE_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_SAFE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-]{0,39}")
_SAFE_NUMBER = re.compile(r"\d{1,8}")  # area codes, page numbers, years; never a 13-digit ID
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ID_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.]+")
_AREA_CODE_LENGTHS = (8, 6, 4, 2)
GIVEN = "given"


def query_kind(text: str) -> str:
    """ "national_id" for digits and separators only (any digit set), "name" otherwise."""
    compact = _ID_SEPARATORS.sub("", to_arabic_digits(text.strip()))
    return "national_id" if compact.isdigit() else "name"


def _safe_value(value: str) -> str:
    if _SAFE_NUMBER.fullmatch(value) or _UUID.fullmatch(value):
        return value
    if _SAFE_WORD.fullmatch(value) and sum(c.isdigit() for c in value) <= 8:
        return value
    return GIVEN


def describe_filters(params) -> dict:
    """The query parameters of a list request, with nothing that identifies a person.

    `params` is a QueryDict (request.GET, request.query_params) or a plain dict.
    """
    described: dict = {}
    others = 0
    getlist = params.getlist if hasattr(params, "getlist") else lambda k: [params[k]]
    for name in params:
        values = [str(v) for v in getlist(name) if str(v).strip()]
        if not values:
            continue
        if not _SAFE_NAME.fullmatch(name):
            others += 1
            continue
        if name in FREE_TEXT_PARAMS:
            described[name] = GIVEN
            if name in SEARCH_PARAMS:
                described["query_kind"] = query_kind(values[0])
            continue
        safe = [_safe_value(v) for v in values]
        described[name] = safe[0] if len(safe) == 1 else safe
    if others:
        described["other_parameters"] = others
    return described


def area_of_read(user, filters: dict) -> str:
    """The area a list read covers: the `area` filter when given, else the user's scope (the
    longest code all their assignments share), else "" (whole system or agency staff)."""
    area = filters.get("area")
    if isinstance(area, str) and area.isdigit() and len(area) in _AREA_CODE_LENGTHS:
        return area
    codes = [code for _role, code in assignments_of(user) if code]
    if not codes:
        return ""
    common = codes[0]
    for code in codes[1:]:
        while not code.startswith(common):
            common = common[:-1]
    for length in _AREA_CODE_LENGTHS:
        if len(common) >= length:
            return common[:length]
    return ""


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


def audit_page_read(request, *, kind: str, count: int, counts: dict[str, int] | None = None):
    """Audit a page (or download) that lists personal data: call it where the page is built."""
    filters = describe_filters(request.GET)
    return record_list_read(
        actor=request.user,
        kind=kind,
        filters=filters,
        count=count,
        counts=counts,
        area_code=area_of_read(request.user, filters),
        view=_view_name(request),
    )


class AuditedListMixin:
    """For a DRF viewset: every successful GET of a list action writes one audit row.

    Set `audit_kind` (the kind of the `list` action), or `audited_actions` (action -> kind) for
    other list-like actions. Hooked into `finalize_response`, so a viewset that overrides `list`
    is audited all the same.
    """

    audit_kind = ""
    audited_actions: dict[str, str] = {}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        kind = (self.audited_actions or {"list": self.audit_kind}).get(getattr(self, "action", ""))
        if (
            kind
            and request.method == "GET"
            and 200 <= response.status_code < 300
            and request.user.is_authenticated
        ):
            data = getattr(response, "data", None)
            if isinstance(data, dict) and isinstance(data.get("results"), list):
                count = len(data["results"])
            elif isinstance(data, list):
                count = len(data)
            else:
                return response
            filters = describe_filters(request.query_params)
            record_list_read(
                actor=request.user,
                kind=kind,
                filters=filters,
                count=count,
                area_code=area_of_read(request.user, filters),
                view=_view_name(request),
            )
        return response
