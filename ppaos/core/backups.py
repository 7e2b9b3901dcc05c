"""Backup and restore of the whole service: the PostgreSQL database and MEDIA_ROOT.

A backup is a folder `ppaos-backup-<UTC time>/` holding
- `database.dump`: `pg_dump --format=custom` of the database (every table, no owner or grants),
- `media.tar.gz`: MEDIA_ROOT (uploads, error reports, access copies), paths relative to it,
- `manifest.json`: when, what database, the latest migration of each app, how many media files,
  and the size and SHA-256 of the two files above.
Restore goes into a NEW, empty database and a NEW, empty media folder (never over the live
ones): it checks the checksums first, then `pg_restore`s and unpacks. Commands: `manage.py backup`
and `manage.py restore` (README "Backups"). Needs pg_dump/pg_restore of the server's major
version on PATH (postgresql-client-15).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _libpq(db: dict) -> tuple[list[str], dict]:
    """pg_* arguments and environment for a Django database settings dict."""
    env = os.environ.copy()
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return args, env


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _latest_migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


def make_backup(target_dir: Path, *, media_root: Path | None = None) -> Path:
    """Write a backup folder under `target_dir`; returns its path."""
    db = connection.settings_dict
    media_root = Path(media_root or settings.MEDIA_ROOT)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = Path(target_dir) / f"ppaos-backup-{stamp}"
    folder.mkdir(parents=True)
    args, env = _libpq(db)
    _run(
        ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges",
         "--file", str(folder / DUMP), db["NAME"]],
        env,
    )  # fmt: skip
    media_files = 0
    with tarfile.open(folder / MEDIA, "w:gz") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    media_files += 1
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": db["NAME"],
        "migrations": _latest_migrations(),
        "media_files": media_files,
        "files": {
            name: {"size": (folder / name).stat().st_size, "sha256": _sha256(folder / name)}
            for name in (DUMP, MEDIA)
        },
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return folder


def verify_backup(folder: Path) -> dict:
    """The manifest, after checking every file's size and checksum (BackupError otherwise)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"no readable manifest in {folder}") from error
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != expected["size"]:
            raise BackupError(f"{name} is missing or has the wrong size")
        if _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} does not match its checksum")
    return manifest


def _safe_members(tar: tarfile.TarFile):
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"refusing a media entry outside the folder: {member.name}")
        yield member


def restore_backup(folder: Path, *, database: dict, media_root: Path) -> dict:
    """Restore `folder` into `database` (Django settings dict of a NEW, empty database: it must
    exist and hold no table) and `media_root` (a new or empty folder). Returns the manifest."""
    manifest = verify_backup(folder)
    media_root = Path(media_root)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} is not empty: restore into a new media folder")
    if Path(media_root).resolve() == Path(settings.MEDIA_ROOT).resolve():
        raise BackupError("refusing to restore over the live MEDIA_ROOT")
    args, env = _libpq(database)
    probe = subprocess.run(
        ["psql", *args, "--dbname", database["NAME"], "--tuples-only", "--no-align",
         "--command", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if probe.returncode != 0:
        raise BackupError(f"cannot reach the new database: {probe.stderr.strip()[-500:]}")
    if probe.stdout.strip() != "0":
        raise BackupError(f"database {database['NAME']} is not empty: restore into a new one")
    _run(
        ["pg_restore", *args, "--no-owner", "--no-privileges", "--exit-on-error",
         "--dbname", database["NAME"], str(Path(folder) / DUMP)],
        env,
    )  # fmt: skip
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(Path(folder) / MEDIA, "r:gz") as tar:
        tar.extractall(media_root, members=_safe_members(tar), filter="data")
    return manifest
