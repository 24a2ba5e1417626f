from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from arena.endpoints.services import endpoint_register
from arena.validators import validate_endpoint_url


class Command(BaseCommand):
    help = (
        "Register or update a team model's OpenAI-compatible endpoint (idempotent per team and model). "
        "The API key is read at request time from the environment variable named by --api-key-env."
    )

    def add_arguments(self, parser):
        parser.add_argument("--team", required=True)
        parser.add_argument("--model", required=True, help="Display name of the model")
        parser.add_argument("--base-url", required=True, help="OpenAI SDK base URL, e.g. http://host:8000/v1")
        parser.add_argument("--model-id", required=True, help="The 'model' value the endpoint expects")
        parser.add_argument(
            "--api-key-env", default="", help="Name of the environment variable holding the key"
        )
        parser.add_argument("--weight", type=float, default=1.0, help="Sampling weight (default 1.0)")
        parser.add_argument("--demo", action="store_true", help="Mark the team as a demo team")

    def handle(self, *args, **options):
        try:
            validate_endpoint_url(options["base_url"])
        except ValidationError:
            raise CommandError(f"--base-url is not an http(s) URL: {options['base_url']!r}") from None
        if options["weight"] < 0:
            raise CommandError("--weight must be zero or more")
        endpoint, created = endpoint_register(
            team=options["team"],
            model=options["model"],
            base_url=options["base_url"],
            model_id=options["model_id"],
            api_key_env=options["api_key_env"],
            weight=options["weight"],
            is_demo=options["demo"],
        )
        verb = "Registered" if created else "Updated"
        self.stdout.write(
            f"{verb} {endpoint.team.name} / {endpoint.name} -> {endpoint.base_url} ({endpoint.model_id})"
        )
