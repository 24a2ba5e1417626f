import json

from django.core.management.base import BaseCommand, CommandError

from arena.integrity.ledger import ledger_matches, ledger_verify


class Command(BaseCommand):
    help = (
        "Recompute the vote ledger's hash chain from the stored votes. Exits non-zero, naming the first bad "
        "vote. With --against LEDGER.json (written by backup_portal) also checks that the chain reaches "
        "that head through those daily roots: a restored copy proves it is the same chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("--against", help="ledger.json of a backup (head and daily roots)")

    def handle(self, *args, **options):
        result = ledger_verify()
        if not result.ok:
            raise CommandError(
                f"ledger broken after {result.checked} good entries: {result.problem} (vote {result.first_bad_vote})"
            )
        if options["against"]:
            with open(options["against"], encoding="utf-8") as handle:
                expected = json.load(handle)
            problem = ledger_matches(head=expected["head"], roots=expected["roots"])
            if problem:
                raise CommandError(f"ledger differs from the backup: {problem}")
            self.stdout.write(
                f"same chain as the backup: head {expected['head']['seq']}, {len(expected['roots'])} daily roots"
            )
        self.stdout.write(f"ledger intact: {result.checked} votes chained")
