import io

from django.core.management.base import BaseCommand

from ax_catalog.models import UseCase
from ax_catalog.transfer import export_rows, write_csv, write_json


class Command(BaseCommand):
    help = (
        "Export published use cases (or all, with --all) as CSV or JSON on standard output. The CSV has "
        "the portal template's columns (import it back with --mapping portal), starts with a BOM for "
        "Korean Excel and defuses cells a spreadsheet would run as formulas."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--all", action="store_true", help="Include drafts and returned cases")

    def handle(self, *args, **options):
        queryset = UseCase.objects.all() if options["all"] else UseCase.objects.published()
        buffer = io.StringIO()
        (write_json if options["format"] == "json" else write_csv)(export_rows(queryset), buffer)
        self.stdout.write(buffer.getvalue(), ending="")
