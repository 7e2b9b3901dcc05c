from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from ppaos.audit.action_labels import register_action_labels

        from .audit_labels import AUDIT_ACTION_LABELS

        register_action_labels(AUDIT_ACTION_LABELS)

        from ppaos.accounts.home import add_home_cards

        from .home import agency_cards, facilitator_cards, officer_cards

        add_home_cards(facilitator_cards)
        add_home_cards(officer_cards)
        add_home_cards(agency_cards)

        from .notices import register_kinds

        register_kinds()
