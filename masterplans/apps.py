from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MasterplansConfig(AppConfig):
    name = "masterplans"
    verbose_name = _("Community master plans")

    def ready(self):
        from ppaos.accounts.home import add_home_cards

        from .home import endorsement_cards

        add_home_cards(endorsement_cards)

        from ppaos.audit.action_labels import register_action_labels

        from .audit_labels import AUDIT_ACTION_LABELS

        register_action_labels(AUDIT_ACTION_LABELS)
