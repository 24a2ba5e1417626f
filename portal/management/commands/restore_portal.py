from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_portal into the configured database, which must be new and "
        "empty; then run `verify_vote_ledger --against DIR/ledger.json`."
    )
    requires_system_checks = []  # the target database is empty: nothing to check against yet

    def add_arguments(self, parser):
        parser.add_argument("source", help="A directory written by backup_portal")

    def handle(self, *args, **options):
        try:
            manifest = backup_restore(Path(options["source"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"restored the {manifest['engine']} backup of {manifest['created_at']}")
