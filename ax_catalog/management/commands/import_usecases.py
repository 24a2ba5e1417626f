from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ax_catalog.transfer import import_rows, read_csv


class Command(BaseCommand):
    help = (
        "Import use cases from a CSV file (columns: the field keys; see ax_catalog/data/usecases_template.csv). "
        "Every row is validated first; if any row is wrong nothing is imported and each error is printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        try:
            rows = read_csv(options["file"])
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {options['file']}: {error}") from None
        imported, errors = import_rows(rows)
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(errors)} errors in {len(rows)} rows; nothing was imported")
        self.stdout.write(f"Imported {imported} use cases")
