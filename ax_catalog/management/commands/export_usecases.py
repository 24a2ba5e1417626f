import sys

from django.core.management.base import BaseCommand

from ax_catalog.models import UseCase
from ax_catalog.transfer import export_rows, write_csv, write_json


class Command(BaseCommand):
    help = "Export published use cases (or all, with --all) as CSV or JSON on standard output."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--all", action="store_true", help="Include drafts and returned cases")

    def handle(self, *args, **options):
        queryset = UseCase.objects.all() if options["all"] else UseCase.objects.published()
        rows = export_rows(queryset)
        out = self.stdout if self.stdout else sys.stdout
        (write_json if options["format"] == "json" else write_csv)(rows, out)
