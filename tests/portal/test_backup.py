"""Backup and restore (docs/operations.md): a restored copy of the database verifies, and proves it is
the chain that was backed up. On whichever database the suite runs: PostgreSQL (pg_dump/pg_restore
into a new scratch database) or SQLite (the online backup into a new file)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from arena.battles.services import vote_record
from arena.consent import consent_give, session_voter
from arena.integrity.ledger import roots_publish
from tests.arena.factories import endpoints, finished_battle
from tests.conftest import attest

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def voted(seed_data):
    from django.contrib.sessions.backends.db import SessionStore

    for endpoint in endpoints(2):
        attest(endpoint)
    session = SessionStore()
    consent_give(session)
    session.save()
    voter = session_voter(session)
    votes = [
        vote_record(battle_id=finished_battle(voter).pk, voter=voter, choice=c) for c in ("a", "b", "tie")
    ]
    roots_publish(until=timezone.localdate())  # today's root too, so the copy is checked against one
    return votes


@pytest.fixture
def backup(voted, tmp_path) -> Path:
    call_command("backup_portal", out=str(tmp_path / "backups"))
    (made,) = (tmp_path / "backups").iterdir()
    return made


@pytest.fixture
def restored_env(tmp_path):
    """The environment of a portal on a new, empty database of the same kind as the suite's."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env |= {"DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    if connection.vendor != "postgresql":
        env["PORTAL_VAR_DIR"] = str(tmp_path / "restored")
        yield env
        return
    db = connection.settings_dict
    name = f"kai_restore_{secrets.token_hex(4)}"
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    with psycopg.connect(server + "/postgres", password=db["PASSWORD"] or None, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{server}/{name}"
        if db["PASSWORD"]:
            env["PGPASSWORD"] = db["PASSWORD"]
        try:
            yield env
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_a_restored_copy_verifies_and_is_the_chain_that_was_backed_up(backup, restored_env):
    manifest = json.loads((backup / "MANIFEST.json").read_text())
    assert set(manifest["files"]) == {"ledger.json", next(p.name for p in backup.glob("database.*"))}
    ledger = json.loads((backup / "ledger.json").read_text())
    assert ledger["head"]["seq"] == 3 and len(ledger["roots"]) == 1

    restore = manage(restored_env, "restore_portal", str(backup))
    assert restore.returncode == 0, restore.stderr
    check = manage(restored_env, "verify_vote_ledger", "--against", str(backup / "ledger.json"))
    assert check.returncode == 0, check.stderr
    assert "same chain as the backup: head 3, 1 daily roots" in check.stdout
    assert "ledger intact: 3 votes chained" in check.stdout

    # A restore refuses a database that is not empty.
    again = manage(restored_env, "restore_portal", str(backup))
    assert again.returncode != 0 and "not empty" in again.stderr


def test_a_copy_that_is_not_the_same_chain_is_named(backup, restored_env, tmp_path):
    assert manage(restored_env, "restore_portal", str(backup)).returncode == 0
    other = json.loads((backup / "ledger.json").read_text())
    other["roots"][0]["root_hash"] = "0" * 64  # a root published elsewhere that this copy does not reach
    (tmp_path / "other.json").write_text(json.dumps(other))
    check = manage(restored_env, "verify_vote_ledger", "--against", str(tmp_path / "other.json"))
    assert check.returncode != 0
    assert "differs from the backup" in check.stderr


def test_a_damaged_backup_is_refused_before_anything_is_restored(backup, restored_env):
    dump = next(backup.glob("database.*"))
    dump.write_bytes(dump.read_bytes()[:-10])
    out = manage(restored_env, "restore_portal", str(backup))
    assert out.returncode != 0 and "does not match its checksum" in out.stderr


def test_a_backup_goes_into_a_new_directory_only(voted, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    from portal.backup import BackupError, backup_create

    with pytest.raises(BackupError):
        backup_create(tmp_path / "full")
    with pytest.raises(CommandError):
        call_command("restore_portal", str(tmp_path / "full"))
