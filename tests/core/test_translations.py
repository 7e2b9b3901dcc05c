"""Thai is the default language: every message in the Thai catalogue is translated and usable."""

import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "th" / "LC_MESSAGES" / "django.po"


def entries() -> list[str]:
    return [block for block in PO.read_text(encoding="utf-8").split("\n\n") if "msgid" in block]


def test_no_entry_is_fuzzy():
    fuzzy = [block for block in entries() if re.search(r"^#,.*\bfuzzy\b", block, re.M)]
    assert fuzzy == []


def test_every_entry_is_translated():
    untranslated = []
    for block in entries()[1:]:  # the first entry is the catalogue's header
        strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        if not strings or not all(first or rest.strip('\n"') for first, rest in strings):
            untranslated.append(block)
    assert untranslated == []


def test_compiled_catalogue_is_used():
    with translation.override("th"):
        assert translation.gettext("Your roles and areas") == "บทบาทและพื้นที่ของคุณ"
        assert translation.pgettext("import rows", "Rejected") == "ถูกปฏิเสธ"
