"""Columns of an import: an importer's fields, how header cells are matched to them, and the
row-error shape every importer reports. Pure Python (no Django), shared by every importer.

A header cell is matched after `header_key()` clean-up: Thai digits to Arabic, lower case, and
spaces, dots, dashes, underscores, colons, asterisks, slashes and brackets removed, so
"เลขประจำตัวประชาชน (13 หลัก)" and "National_ID" both match. When the full text is not a synonym,
the text before a bracket is tried ("ชื่อ (ภาษาไทย)" → "ชื่อ"). A layout whose headers are not all
known can be mapped by the admin once; that mapping is remembered for the layout
(`ColumnMapping`) and wins over the importer's synonyms.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ppaos.thai.thai_digits import to_arabic_digits


@dataclass(frozen=True)
class ImportField:
    name: str
    label_en: str
    label_th: str
    required: bool = False


@dataclass(frozen=True, slots=True)
class RowError:
    """One rejected cell: the field, its value as shown, a code, and the Thai and English text."""

    field: str
    value: str
    code: str
    message_th: str
    message_en: str


def cell_too_long(length: int, limit: int, *, field: str = "") -> RowError:
    """The error of a row whose cell holds `length` characters, over the readers' `limit`."""
    return RowError(
        field=field,
        value=f"({length:,} characters)",
        code="cell_too_long",
        message_th=f"ข้อความในช่องนี้ยาวเกิน {limit:,} ตัวอักษร แถวนี้จึงไม่ถูกนำเข้า",
        message_en=f"This cell holds more than {limit:,} characters; the row was not imported.",
    )


_HEADER_JUNK_RE = re.compile(r"[\s._\-:*/()\[\]{}#]+")
_BRACKETED_RE = re.compile(r"[(\[{].*$")


def header_key(text: object) -> str:
    """A header cell cleaned for matching ("ID (13 หลัก)" → "id13หลัก")."""
    if text is None:
        return ""
    return _HEADER_JUNK_RE.sub("", to_arabic_digits(str(text)).lower())


def layout_key(headers: Sequence[object]) -> str:
    """A stable name for a source layout: the cleaned header cells in order, hashed."""
    cleaned = [header_key(h) for h in headers]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return hashlib.sha256(json.dumps(cleaned, ensure_ascii=False).encode()).hexdigest()[:40]


@dataclass(frozen=True)
class ColumnPlan:
    """Which column holds which field, for one header row."""

    headers: tuple[str, ...]
    columns: dict[str, int]  # field → 0-based column index
    unknown_headers: tuple[str, ...]
    required: tuple[str, ...] = ()

    @property
    def missing_required(self) -> tuple[str, ...]:
        return tuple(name for name in self.required if name not in self.columns)

    def mapping(self) -> dict[str, str]:
        """header text → field, as stored on the job and in a remembered layout."""
        return {self.headers[index]: field for field, index in self.columns.items()}

    def column_names(self) -> dict[str, str]:
        """field → the header text of its column (error reports name the file's column)."""
        return {field: self.headers[index] for field, index in self.columns.items()}


class HeaderMatcher:
    """Matches header cells to an importer's fields by its synonyms table."""

    def __init__(
        self, fields: Sequence[ImportField], synonyms: Mapping[str, Iterable[str]]
    ) -> None:
        self.fields_by_name = {f.name: f for f in fields}
        self.required = tuple(f.name for f in fields if f.required)
        self._lookup: dict[str, str] = {
            header_key(synonym): field
            for field, field_synonyms in synonyms.items()
            for synonym in field_synonyms
        }

    def field_for_header(self, text: object) -> str | None:
        """The field a header names by the synonyms table, or None."""
        key = header_key(text)
        if not key:
            return None
        field = self._lookup.get(key)
        if field is None:
            before_bracket = header_key(_BRACKETED_RE.sub("", str(text)))
            field = self._lookup.get(before_bracket) if before_bracket else None
        return field

    def plan_columns(
        self, headers: Sequence[object], remembered: dict[str, str] | None = None
    ) -> ColumnPlan:
        """Map header cells to fields: a remembered mapping (header text → field, "" = ignore)
        first, then the synonyms table. The first column naming a field wins."""
        texts = tuple("" if h is None else str(h).strip() for h in headers)
        remembered = remembered or {}
        columns: dict[str, int] = {}
        unknown: list[str] = []
        for index, text in enumerate(texts):
            if not text:
                continue
            if text in remembered:
                field = remembered[text] or None
            else:
                field = self.field_for_header(text)
                if field is None:
                    unknown.append(text)
            if field and field in self.fields_by_name and field not in columns:
                columns[field] = index
        return ColumnPlan(
            headers=texts, columns=columns, unknown_headers=tuple(unknown), required=self.required
        )

    def header_score(self, row: Sequence[object]) -> int:
        """How many cells of a row are known headers: the header row is the best-scoring early
        row."""
        return len({self.field_for_header(cell) for cell in row if isinstance(cell, str)} - {None})


def blank_row(cells: Iterable[object]) -> bool:
    """A row with nothing in it (spreadsheets end with many)."""
    for cell in cells:  # a loop, not all(generator): it is asked of every row
        if cell is None or cell == "" or (isinstance(cell, str) and not cell.strip()):
            continue
        return False
    return True
