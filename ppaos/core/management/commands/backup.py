"""`manage.py backup [--to DIR]`: the database (pg_dump custom format) and MEDIA_ROOT (tar.gz)
in a new folder with a manifest of checksums (ppaos/core/backups.py, README "Backups")."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ppaos.core.backups import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database and the media folder into a new folder with a manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=getattr(settings, "BACKUP_DIR", "backups"),
            help="folder under which the backup folder is made (default BACKUP_DIR)",
        )

    def handle(self, *args, to, **options):
        try:
            folder = make_backup(Path(to))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(folder))
