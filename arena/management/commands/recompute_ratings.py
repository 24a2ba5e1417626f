from django.core.management.base import BaseCommand

from arena.ratings.snapshots import snapshot_recompute
from arena.ratings.tables import VIEWS


class Command(BaseCommand):
    help = "Refit every leaderboard view from the stored votes and store a snapshot of each."

    def add_arguments(self, parser):
        parser.add_argument(
            "--view", action="append", choices=list(VIEWS), help="Only this view (repeatable)"
        )
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--rounds", type=int, default=None, help="Bootstrap rounds")

    def handle(self, *args, **options):
        snapshots = snapshot_recompute(
            options["view"] or VIEWS, seed=options["seed"], rounds=options["rounds"]
        )
        for s in snapshots:
            listed = sum(1 for r in s.rows if r["listed"])
            self.stdout.write(f"{s.view}: {s.votes_counted} votes, {listed}/{len(s.rows)} models ranked")
