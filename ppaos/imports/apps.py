from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "ppaos.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        # Registered here, by the first app that stores files; the check is the core's.
        from django.core import checks

        from ppaos.core.stored_files import check_media_root_is_not_served

        checks.register(check_media_root_is_not_served, checks.Tags.security)
