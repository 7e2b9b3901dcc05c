from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring and evaluation")

    def ready(self):
        from . import signals

        signals.connect()

        from ppaos.accounts.home import add_home_cards

        from .home import executive_cards

        add_home_cards(executive_cards)

        from ppaos.audit.action_labels import register_action_labels

        from .audit_labels import AUDIT_ACTION_LABELS

        register_action_labels(AUDIT_ACTION_LABELS)
