"""The vulnerable groups of persons the pages count, named once: (key, label), in the order they
are shown. The monitoring roll-ups call them "persons:<key>"; a master plan's data section keeps
its own keys for them (masterplans.print_document.PLAN_DATA_KEYS)."""

from django.utils.translation import gettext_lazy as _

PERSON_GROUPS = (
    ("elderly", _("Elderly (60 and over)")),
    ("child", _("Children (under 18)")),
    ("disability", _("With a disability")),
    ("chronic_illness", _("Chronic illness")),
    ("bedridden", _("Bedridden")),
)
