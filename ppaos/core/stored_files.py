"""Stored files (uploaded spreadsheets, generated reports): random names on disk, and one way out.

Nothing under MEDIA_ROOT has a URL of its own, in any mode: no `static(MEDIA_URL, ...)` route,
and whitenoise serves only the static files (`checks.py` refuses a MEDIA_ROOT it would serve).
These files hold national IDs, names, birth dates and incomes, so they leave the server only
through a view that

1. checks the role (`ensure_role_allows`: 403) and finds the record in the user's scoped
   queryset (a `*_visible_to(user)` selector: 404 outside the scope),
2. appends an audit row (who downloaded which file of which record; never the file's name or
   content, which may hold personal data),
3. answers with `Content-Disposition: attachment`, never inline.

`serve_stored_file` does all three; `stored_file_response` is steps 2–3 for a view that has
already applied the policy itself. Behind a web server the bytes can be sent by the server
(`PROTECTED_FILES_SERVER`, README § Configuration): Django still decides and audits, the server
only copies the file from a location the outside world cannot reach.

This module is part of the shared core: it imports the policy and the audit log, never a domain app.
"""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

# How the bytes of a download are sent (settings.PROTECTED_FILES_SERVER):
DJANGO = "django"  # Django streams the file itself (FileResponse); no web server needed
NGINX = "nginx"  # X-Accel-Redirect to an `internal` nginx location that maps to MEDIA_ROOT
SENDFILE = "sendfile"  # X-Sendfile with the absolute path (Apache mod_xsendfile, lighttpd)
FILE_SERVERS = (DJANGO, NGINX, SENDFILE)

_SAFE_SUFFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def random_stored_name(folder: str, filename: str) -> str:
    """`folder` (strftime codes allowed) + a random UUID + the upload's extension, lower-cased.

    The uploader's file name never reaches the disk: it may hold a person's name, and a
    guessable path is one step from a leak. Only a short alphanumeric extension is kept.
    """
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower().lstrip(".")
    if not suffix or len(suffix) > 8 or not set(suffix) <= _SAFE_SUFFIX_CHARS:
        suffix = "bin"
    folder = timezone.now().strftime(folder) if "%" in folder else folder
    return f"{folder.rstrip('/')}/{uuid.uuid4().hex}.{suffix}"


@deconstructible(path="ppaos.core.stored_files.RandomStoredName")
class RandomStoredName:
    """`upload_to` for a FileField: `random_stored_name(folder, <uploaded name>)`."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return random_stored_name(self.folder, filename)

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomStoredName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def file_server() -> str:
    server = getattr(settings, "PROTECTED_FILES_SERVER", DJANGO) or DJANGO
    if server not in FILE_SERVERS:
        raise ImproperlyConfigured(
            f"PROTECTED_FILES_SERVER must be one of {', '.join(FILE_SERVERS)}, not {server!r}"
        )
    return server


def _server_sent(stored: FieldFile, server: str) -> HttpResponse:
    """An empty answer that tells the web server in front which file to send."""
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    response = HttpResponse(content_type=content_type)
    if server == NGINX:
        prefix = "/" + settings.PROTECTED_FILES_INTERNAL_URL.strip("/") + "/"
        response["X-Accel-Redirect"] = prefix + quote(stored.name)
    else:
        response["X-Sendfile"] = stored.path
    return response


def stored_file_response(
    *,
    actor,
    stored: FieldFile,
    target: Model,
    audit_action: str,
    download_name: str,
    details: dict | None = None,
):
    """The download of `stored` (a file of `target`) for a user the caller has already checked:
    an audit row, then the file as an attachment named `download_name`. 404 when the file is gone.

    `details` go into the audit row: never names, national IDs or the file's own name.
    """
    if not stored or not stored.storage.exists(stored.name):
        raise Http404
    server = file_server()
    if server == DJANGO:
        response = FileResponse(stored.open("rb"), as_attachment=True, filename=download_name)
    else:
        response = _server_sent(stored, server)
        response["Content-Disposition"] = content_disposition_header(True, download_name)
    # The audit row goes with the answer; imported lazily, the core has no import-time cycle.
    from ppaos.audit.services import record_audit_event

    record_audit_event(actor=actor, action=audit_action, target=target, details={**(details or {})})
    # Personal data: never kept by a browser or a shared cache, never sniffed into a page.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_stored_file(
    request,
    *,
    action,
    queryset: QuerySet,
    file_field: str,
    audit_action: str,
    download_name: str | Callable[[Model], str],
    details: dict | Callable[[Model], dict] | None = None,
    **lookup,
):
    """Serve the file in `file_field` of the record `queryset.get(**lookup)` through the policy.

    `queryset` must come from the app's scoped selector (`*_visible_to(request.user)`), so a
    record outside the user's scope answers 404; a role that does not grant `action` answers 403
    first. The caller handles anonymous users (`login_required`, or DRF's authentication).
    `download_name` and `details` (audit row details: counts, never names) may be functions of
    the record.
    """
    from ppaos.accounts.policy import ensure_role_allows

    ensure_role_allows(request.user, action)
    record = get_object_or_404(queryset, **lookup)
    name = download_name(record) if callable(download_name) else download_name
    details = details(record) if callable(details) else details
    return stored_file_response(
        actor=request.user,
        stored=getattr(record, file_field),
        target=record,
        audit_action=audit_action,
        download_name=name,
        details={"file": file_field, **(details or {})},
    )


def check_media_root_is_not_served(app_configs=None, **kwargs):
    """System check: MEDIA_ROOT must lie outside every folder whitenoise serves, and MEDIA_URL
    must not be the static URL, or the stored files would be public again."""
    from pathlib import Path

    from django.core.checks import Error

    media = Path(settings.MEDIA_ROOT).resolve()
    served = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    if getattr(settings, "WHITENOISE_ROOT", None):
        served.append(settings.WHITENOISE_ROOT)
    errors = []
    for folder in served:
        folder = Path(folder[1] if isinstance(folder, tuple) else folder).resolve()
        if media == folder or media.is_relative_to(folder) or folder.is_relative_to(media):
            errors.append(
                Error(
                    f"MEDIA_ROOT ({media}) overlaps {folder}, which whitenoise serves to anyone.",
                    hint="Keep MEDIA_ROOT outside STATIC_ROOT, STATICFILES_DIRS, WHITENOISE_ROOT.",
                    id="ppaos.E001",
                )
            )
    if settings.MEDIA_URL and settings.MEDIA_URL.strip("/") == settings.STATIC_URL.strip("/"):
        errors.append(Error("MEDIA_URL must not be the STATIC_URL.", id="ppaos.E002"))
    return errors
