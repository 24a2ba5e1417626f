from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_create, backup_name


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format, or SQLite's online backup) and the vote ledger's "
        "head and daily roots into a new directory, with SHA-256 checksums (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Parent directory; a dated directory is made in it")

    def handle(self, *args, **options):
        target = Path(options["out"]) / backup_name()
        try:
            manifest = backup_create(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"backup written to {target}: {', '.join(manifest['files'])}")
