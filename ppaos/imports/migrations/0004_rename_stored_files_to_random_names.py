"""Files stored before names were random (imports/<yyyy>/<mm>/<uploaded name>, and
imports/errors/<job uuid>.xlsx) get random names like new ones, so no uploader's file name
stays on disk. A file that is missing here (MEDIA_ROOT not mounted where migrations run) is left
as it is and keeps working; old copies are removed only after the new names are committed."""

import re
import uuid
from pathlib import PurePosixPath

from django.db import migrations, transaction

from ppaos.core.stored_files import random_stored_name

RANDOM_UPLOAD = re.compile(r"imports/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z0-9]{1,8}")
RANDOM_REPORT = re.compile(r"imports/errors/[0-9a-f]{32}-[0-9a-f]{32}\.xlsx")


def rename_stored_files(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    storage = ImportJob._meta.get_field("file").storage
    renamed: dict[str, str] = {}  # old name → new name (jobs run again share one file)

    def copy_to(old: str, new: str) -> str | None:
        if old not in renamed:
            if not storage.exists(old):
                return None
            with storage.open(old, "rb") as handle:
                renamed[old] = storage.save(new, handle)
        return renamed[old]

    for job in ImportJob.objects.only("pk", "public_id", "file", "error_report").iterator():
        changed = {}
        upload = job.file.name
        if upload and not RANDOM_UPLOAD.fullmatch(upload):
            folder = f"{PurePosixPath(upload).parent}/"
            changed["file"] = copy_to(upload, random_stored_name(folder, upload))
        report = job.error_report.name
        if report and not RANDOM_REPORT.fullmatch(report):
            new = f"imports/errors/{job.public_id.hex}-{uuid.uuid4().hex}.xlsx"
            changed["error_report"] = copy_to(report, new)
        changed = {field: name for field, name in changed.items() if name}
        if changed:
            ImportJob.objects.filter(pk=job.pk).update(**changed)

    def remove_old_copies():
        for old in renamed:
            storage.delete(old)

    transaction.on_commit(remove_old_copies)


class Migration(migrations.Migration):
    dependencies = [("imports", "0003_random_stored_file_names")]

    operations = [migrations.RunPython(rename_stored_files, migrations.RunPython.noop)]
