import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from arena.ratings import listing, method
from arena.ratings.register import facts_from_export
from arena.ratings.snapshots import board_compute
from arena.ratings.tables import VIEWS, table_from_records


class Command(BaseCommand):
    help = (
        "Rebuild every leaderboard view from an export directory alone (votes.jsonl, models.json) and "
        "check it against the boards published with it (leaderboard.json). Exits non-zero on any "
        "difference, and refuses an export whose method version this code does not implement."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, **options):
        directory: Path = options["directory"]
        try:
            published = json.loads((directory / "leaderboard.json").read_text(encoding="utf-8"))
            models = json.loads((directory / "models.json").read_text(encoding="utf-8"))
            records = [json.loads(line) for line in (directory / "votes.jsonl").open(encoding="utf-8")]
        except (OSError, ValueError) as error:
            raise CommandError(f"not a readable export: {error}") from None
        versions = {published[view].get("method_version") or "" for view in VIEWS if view in published}
        versions.add(models.get("method_version") or "")
        unknown = sorted(v or "(none)" for v in versions if not method.implemented(v))
        if unknown:
            raise CommandError(
                f"this export was computed with method version {', '.join(unknown)}, which this code does not "
                f"implement (it implements {', '.join(sorted(method.IMPLEMENTED))}); nothing was rebuilt. "
                "See /methodology/changes/ for what each version computes."
            )
        facts = facts_from_export(
            models["models"],
            records,
            season_start=models["settings"]["season_start"],
            variant_cap=models["settings"]["variant_cap"],
        )
        labels = {
            m["id"]: {"model": m["name"], "team": m["team"], "is_demo": m["is_demo"]}
            for m in models["models"]
        }
        mismatched = []
        for view in VIEWS:
            board = published[view]
            settings = board["method"]
            rules = listing.ListingRules(
                min_votes=settings["min_votes"],
                provisional_votes=settings["provisional_votes"],
                fresh_votes=settings["provisional_fresh_votes"],
                variant_cap=settings["variant_cap"],
            )
            table = table_from_records(records, view)
            rebuilt = board_compute(
                table,
                labels,
                seed=board["seed"],
                rounds=board["bootstrap_rounds"],
                rules=rules,
                facts=facts,
                method_version=board["method_version"],
                ties_model=settings.get("ties_model", "bradley_terry"),
            )
            same = rebuilt["rows"] == board["rows"] and rebuilt["matrices"] == board["matrices"]
            self.stdout.write(
                f"{view}: {rebuilt['votes_counted']} votes, {'identical' if same else 'DIFFERENT'}"
            )
            for row in rebuilt["rows"]:
                rank = (
                    (
                        f"{row['rank_best']}"
                        if row["rank_best"] == row["rank_worst"]
                        else f"{row['rank_best']}-{row['rank_worst']}"
                    )
                    + f" T{row['tier']}"
                    if row["listed"]
                    else "-"
                )
                marks = "".join(
                    f" [{mark}]"
                    for mark, on in (("provisional", row["provisional"]), ("retired", row["retired"]))
                    if on
                )
                self.stdout.write(
                    f"  {rank!s:>3} {row['model']} ({row['team']}) {row['rating']:.1f} "
                    f"[{row['ci_low']:.1f}, {row['ci_high']:.1f}] votes {row['votes']}{marks}"
                )
            if not same:
                mismatched.append(view)
        if mismatched:
            raise CommandError("rebuilt boards differ from the published ones: " + ", ".join(mismatched))
