from pathlib import Path

from django.core.management.base import BaseCommand

from arena.ratings.export import export_votes


class Command(BaseCommand):
    help = "Write the open vote dataset (JSONL, CSV, README, leaderboard.json) to a directory."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args, **options):
        counts = export_votes(options["out"])
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no votes"
        self.stdout.write(f"Exported to {options['out']}: {summary}")
