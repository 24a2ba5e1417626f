from django.core.management.base import BaseCommand, CommandError

from arena.integrity.ledger import ledger_verify


class Command(BaseCommand):
    help = "Recompute the vote ledger's hash chain from the stored votes. Exits non-zero, naming the first bad vote."

    def handle(self, *args, **options):
        result = ledger_verify()
        if not result.ok:
            raise CommandError(
                f"ledger broken after {result.checked} good entries: {result.problem} (vote {result.first_bad_vote})"
            )
        self.stdout.write(f"ledger intact: {result.checked} votes chained")
