from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from arena.endpoints.services import endpoint_register


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
            "--api-key-env",
            default="",
            help="Name of the environment variable holding the key: TEAM_<team code>_KEY",
        )
        parser.add_argument(
            "--team-code", default="", help="The team's code (A-Z, 0-9), the <code> in TEAM_<code>_KEY"
        )
        parser.add_argument(
            "--internal",
            action="store_true",
            help="Allow a loopback, private or link-local host (a server inside the portal's network)",
        )
        parser.add_argument("--weight", type=float, default=1.0, help="Sampling weight (default 1.0)")
        parser.add_argument("--demo", action="store_true", help="Mark the team as a demo team")

    def handle(self, *args, **options):
        if options["weight"] < 0:
            raise CommandError("--weight must be zero or more")
        try:
            endpoint, created = endpoint_register(
                team=options["team"],
                model=options["model"],
                base_url=options["base_url"],
                model_id=options["model_id"],
                api_key_env=options["api_key_env"],
                team_code=options["team_code"],
                internal=options["internal"],
                weight=options["weight"],
                is_demo=options["demo"],
            )
        except ValidationError as error:
            fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            lines = [
                f"{name}: {message}" if name else message for name, ms in fields.items() for message in ms
            ]
            raise CommandError("nothing was registered:\n  " + "\n  ".join(lines)) from None
        verb = "Registered" if created else "Updated"
        self.stdout.write(
            f"{verb} {endpoint.team.name} / {endpoint.name} -> {endpoint.base_url} ({endpoint.model_id})"
        )
