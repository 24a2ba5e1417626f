from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from evaluation import services
from evaluation.models import Round


class Command(BaseCommand):
    help = "Count each team's derivative models on a Hugging Face-compatible hub (MODEL_HUB_URL)."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="slug")
        parser.add_argument("--hub", default=settings.MODEL_HUB_URL)

    def handle(self, *args, slug, hub, **options):
        round_obj = Round.objects.filter(slug=slug).first()
        if round_obj is None:
            raise CommandError(f"no round {slug!r}")
        failed = 0
        for team, result in services.derivatives_sync(round_obj=round_obj, hub_url=hub).items():
            if isinstance(result, int):
                self.stdout.write(f"{team}: {result}")
            else:
                failed += 1
                self.stderr.write(f"{team}: not updated ({result})")
        if failed:
            raise CommandError(f"{failed} team(s) could not be read from {hub}")
