"""Creating and running import jobs in tests."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from households.models import WelfareRegistrant
from ppaos.imports import services
from ppaos.imports.models import ImportJob


def stored_names(monkeypatch, storage) -> list[str]:
    """The names `storage` stores from now on, in order (MEDIA_ROOT is shared with the other
    test process and the Celery worker, so a test checks its own files, not a listing)."""
    stored: list[str] = []
    save = storage._save
    monkeypatch.setattr(
        storage, "_save", lambda name, content: stored.append(save(name, content)) or stored[-1]
    )
    return stored


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def create_job(admin, path: Path, *, dry_run: bool = False, name: str | None = None) -> ImportJob:
    return services.create_import_job(
        actor=admin, uploaded_file=upload(path, name), dry_run=dry_run
    )


def run_in_process(admin, path: Path, **kwargs) -> ImportJob:
    """Create a job and run it in this process (the task's on_commit does not fire inside a
    test transaction)."""
    job = create_job(admin, path, **kwargs)
    services.run_import_job(job_id=job.pk)
    job.refresh_from_db()
    return job


def registry_state() -> list[tuple]:
    """Everything an import writes to a registrant, in a stable order."""
    return list(
        WelfareRegistrant.objects.order_by("national_id").values_list(
            "national_id", "title", "first_name", "last_name", "birth_date", "sex",
            "house_number", "village_number", "area_id", "postal_code", "phone",
            "annual_income", "card_status", "registration_date",
        )
    )  # fmt: skip
