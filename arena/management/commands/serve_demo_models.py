import uvicorn
from django.core.management.base import BaseCommand

from arena.endpoints.demo_models import DEMO_MODELS, DemoModelServer


class Command(BaseCommand):
    help = "Serve the built-in demo models as an OpenAI-compatible endpoint (/v1/chat/completions)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--speed", type=float, default=1.0, help="Multiply every model's token pace")
        parser.add_argument(
            "--nondeterminism",
            type=float,
            default=0.1,
            help="Chance that a temperature-0 answer diverges part-way, as GPU servers do (default 0.1)",
        )

    def handle(self, *args, **options):
        names = ", ".join(m.model_id for m in DEMO_MODELS)
        self.stdout.write(f"Demo models ({names}) at http://{options['host']}:{options['port']}/v1")
        uvicorn.run(
            DemoModelServer(speed=options["speed"], nondeterminism=options["nondeterminism"]),
            host=options["host"],
            port=options["port"],
            log_level="warning",
            lifespan="on",
        )
