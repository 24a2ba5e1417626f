import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from arena.ratings.snapshots import board_compute
from arena.ratings.tables import VIEWS, table_from_records


class Command(BaseCommand):
    help = (
        "Rebuild every leaderboard view from an export directory alone (votes.jsonl) and check it "
        "against the boards published with it (leaderboard.json). Exits non-zero on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, **options):
        directory: Path = options["directory"]
        try:
            published = json.loads((directory / "leaderboard.json").read_text(encoding="utf-8"))
            records = [json.loads(line) for line in (directory / "votes.jsonl").open(encoding="utf-8")]
        except (OSError, ValueError) as error:
            raise CommandError(f"not a readable export: {error}") from None
        labels = {}
        for record in records:
            for side in ("model_a", "model_b"):
                m = record[side]
                labels[m["id"]] = {"model": m["name"], "team": m["team"]}
        mismatched = []
        for view in VIEWS:
            board = published[view]
            table = table_from_records(records, view)
            rows_labels = {
                r["endpoint_id"]: {k: r[k] for k in ("model", "team", "is_demo")} for r in board["rows"]
            }
            rebuilt = board_compute(
                table,
                rows_labels or labels,
                seed=board["seed"],
                rounds=board["bootstrap_rounds"],
                min_votes=board["min_votes"],
            )
            same = rebuilt["rows"] == board["rows"] and rebuilt["matrices"] == board["matrices"]
            self.stdout.write(
                f"{view}: {rebuilt['votes_counted']} votes, {'identical' if same else 'DIFFERENT'}"
            )
            for row in rebuilt["rows"]:
                rank = row["rank_ub"] if row["listed"] else "-"
                self.stdout.write(
                    f"  {rank!s:>3} {row['model']} ({row['team']}) {row['rating']:.1f} "
                    f"[{row['ci_low']:.1f}, {row['ci_high']:.1f}] votes {row['votes']}"
                )
            if not same:
                mismatched.append(view)
        if mismatched:
            raise CommandError("rebuilt boards differ from the published ones: " + ", ".join(mismatched))
