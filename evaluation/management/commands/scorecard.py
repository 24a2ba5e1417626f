import json

from django.core.management.base import BaseCommand, CommandError

from evaluation import selectors
from evaluation.models import Round
from evaluation.serialize import scorecard_dict


class Command(BaseCommand):
    help = "Print the computed scorecard of a round (official weights)."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="slug")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, slug, format, **options):
        round_obj = Round.objects.filter(slug=slug).first()
        if round_obj is None:
            known = ", ".join(Round.objects.values_list("slug", flat=True)) or "-"
            raise CommandError(f"no round {slug!r} (known: {known})")
        data = scorecard_dict(selectors.scorecard_build(round_obj))
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        blocks = data["blocks"]
        self.stdout.write(
            f"{data['round']['name']} ({slug}); {data['round']['advance_count']} advance; line {data['line']}"
        )
        self.stdout.write(
            "team | "
            + " | ".join(f"{b['key']} {b['weight']:g}" for b in blocks)
            + " | total | rank | status | stability"
        )
        for t in data["teams"]:
            cells = [
                "missing" if t["points"][b["key"]] is None else f"{t['points'][b['key']]:.2f}" for b in blocks
            ]
            total = "missing" if t["total"] is None else f"{t['total']:.2f}"
            stability = "-" if t["stability"] is None else f"{t['stability']:.3f}"
            self.stdout.write(
                f"{t['team']} | "
                + " | ".join(cells)
                + f" | {total} | {t['rank'] or '-'} | {t['status']} | {stability}"
            )
