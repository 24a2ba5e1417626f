"""Backups of the portal's database and of the vote ledger's daily roots, and their restore.

A backup is a directory: the database (`database.pgdump`, pg_dump's custom format, or
`database.sqlite3`, SQLite's online backup), `ledger.json` (the ledger's head and every daily root at
the time of the backup) and `MANIFEST.json` (what each file is, its SHA-256, the engine, the newest
migration of each app). The ledger file is what lets a restored copy prove it is the same chain:
`verify_vote_ledger --against DIR/ledger.json` recomputes the chain from the restored votes and
checks it reaches the same head through the same daily roots (which are also public on
/methodology/, so a copy can be checked against what was published, not only against itself).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from arena.models import LedgerHead, LedgerRoot, VoteLedgerEntry

LEDGER_FILE = "ledger.json"
MANIFEST_FILE = "MANIFEST.json"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """libpq options for the client tools; the password travels in the environment, not argv."""
    args = [
        "--host",
        settings_dict.get("HOST") or "localhost",
        "--port",
        str(settings_dict.get("PORT") or 5432),
    ]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def ledger_snapshot() -> dict:
    head = LedgerHead.objects.filter(pk=1).first()
    return {
        "head": {"seq": head.seq if head else 0, "entry_hash": head.entry_hash if head else ""},
        "entries": VoteLedgerEntry.objects.count(),
        "roots": [
            {"day": r.day.isoformat(), "last_seq": r.last_seq, "root_hash": r.root_hash, "votes": r.votes}
            for r in LedgerRoot.objects.order_by("day")
        ],
    }


def backup_create(out: Path) -> dict:
    """Write a backup into `out` (created; must be empty). Returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise BackupError(f"{out} is not empty")
    # The ledger first: everything in it is then also in the database dump taken after it.
    (out / LEDGER_FILE).write_text(json.dumps(ledger_snapshot(), indent=1, ensure_ascii=False))
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        target = out / "database.pgdump"
        args, env = _pg_env(db)
        subprocess.run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                db["NAME"],
            ],
            env=env,
            check=True,
            capture_output=True,
        )
    elif connection.vendor == "sqlite":
        target = out / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        raise BackupError(f"no backup method for {connection.vendor}")
    manifest = {
        "created_at": timezone.now().isoformat(),
        "engine": connection.vendor,
        "migrations": _migrations(),
        "files": {p.name: _sha256(p) for p in sorted(out.iterdir())},
    }
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1))
    return manifest


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return latest


def backup_check(source: Path) -> dict:
    """Read the manifest and check every file against its checksum."""
    try:
        manifest = json.loads((source / MANIFEST_FILE).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} has no readable {MANIFEST_FILE}") from exc
    for name, digest in manifest["files"].items():
        if not (source / name).exists() or _sha256(source / name) != digest:
            raise BackupError(f"{name} is missing or does not match its checksum")
    return manifest


def backup_restore(source: Path) -> dict:
    """Restore the backup into the configured database, which must be empty (a new database)."""
    manifest = backup_check(source)
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"a {manifest['engine']} backup cannot be restored into {connection.vendor}")
    if connection.introspection.table_names():
        raise BackupError("the target database is not empty: restore into a new database")
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        connection.close()
        subprocess.run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                db["NAME"],
                str(source / "database.pgdump"),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
    else:
        connection.close()
        shutil.copyfile(source / "database.sqlite3", db["NAME"])
    return manifest


def backup_name(now: dt.datetime | None = None) -> str:
    return (now or timezone.now()).strftime("kai-backup-%Y%m%dT%H%M%SZ")
