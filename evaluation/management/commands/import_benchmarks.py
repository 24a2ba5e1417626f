from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from evaluation import evidence
from evaluation.models import Round


class Command(BaseCommand):
    help = "Import benchmark results (CSV or JSON) into a round. Every row is checked; any error imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="slug")
        parser.add_argument("file")

    def handle(self, *args, slug, file, **options):
        round_obj = Round.objects.filter(slug=slug).first()
        if round_obj is None:
            raise CommandError(f"no round {slug!r}")
        path = Path(file)
        try:
            evidence.size_check(path.stat().st_size)
            rows = evidence.parse(path.read_bytes(), path.name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except OSError as error:
            raise CommandError(str(error)) from error
        result = evidence.benchmarks_import(round_obj=round_obj, rows=rows)
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported")
        self.stdout.write(
            f"Imported {result.imported} benchmark results into {slug} ({result.reruns} reruns, "
            f"{result.without_reproducibility} without reproducibility data)"
        )
