"""`manage.py restore FOLDER --database-url URL --media-root DIR`: restore a backup into a NEW,
empty database (create it first: `createdb`) and a NEW media folder, after checking the
manifest's checksums. Never touches the live database or MEDIA_ROOT."""

from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand, CommandError

from ppaos.core.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup folder into a new database and a new media folder."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database-url", required=True, help="the NEW, empty database")
        parser.add_argument("--media-root", required=True, help="the NEW, empty media folder")

    def handle(self, *args, folder, database_url, media_root, **options):
        database = dj_database_url.parse(database_url)
        try:
            manifest = restore_backup(Path(folder), database=database, media_root=Path(media_root))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"restored {manifest['database']} of {manifest['created_at']} into "
            f"{database['NAME']}; {manifest['media_files']} media files into {media_root}"
        )
