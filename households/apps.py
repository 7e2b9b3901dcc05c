from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Households")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .trigram_settings import apply_trigram_thresholds

        connection_created.connect(apply_trigram_thresholds, dispatch_uid="households_trigram")

        from ppaos.imports.importers import register_importer

        from .registry_import.importer import welfare_registry_importer

        register_importer(welfare_registry_importer)

        from .survey_import.importer import survey_importer

        register_importer(survey_importer)

        from ppaos.audit.action_labels import register_action_labels

        from .audit_labels import AUDIT_ACTION_LABELS

        register_action_labels(AUDIT_ACTION_LABELS)

        from ppaos.accounts.home import add_home_cards

        from .home import checking_cards, field_work_cards

        add_home_cards(field_work_cards)
        add_home_cards(checking_cards)

        from .surveys.notices import register_kinds

        register_kinds()

        from ppaos.accounts.context_processors import add_navigation_context

        from .offline.strings import offline_context

        add_navigation_context(offline_context)
