from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from arena.endpoints.services import endpoint_register
from arena.endpoints.versions import attestation_sign


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
        attest = parser.add_argument_group(
            "attestation",
            "A version is sampled only once its team has signed what it is. Give --checkpoint, --licence,"
            " --statement and --signed-by to sign it here (as the admin's attestation form does).",
        )
        attest.add_argument("--checkpoint", help="Weights SHA-256 or the closed model's checkpoint id")
        attest.add_argument("--licence", help="Licence, e.g. Apache-2.0")
        attest.add_argument("--statement", help="That the evaluated model is the released one")
        attest.add_argument("--signed-by", help="Name of the team's responsible person")
        attest.add_argument("--params-total", type=int, help="Total parameters")
        attest.add_argument("--params-active", type=int, help="Active parameters per token (MoE)")
        attest.add_argument("--open-weights", action="store_true", help="The weights are published")

    def handle(self, *args, **options):
        if options["weight"] < 0:
            raise CommandError("--weight must be zero or more")
        attestation = self._attestation(options)
        try:
            with transaction.atomic():  # a refused attestation registers nothing either
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
                if attestation:
                    attestation_sign(endpoint=endpoint, **attestation)
        except ValidationError as error:
            fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            lines = [
                f"{name}: {message}" if name else message for name, ms in fields.items() for message in ms
            ]
            raise CommandError("nothing was registered:\n  " + "\n  ".join(lines)) from None
        verb = "Registered" if created else "Updated"
        signed = "attested" if attestation else "not attested: never sampled until its team signs"
        self.stdout.write(
            f"{verb} {endpoint.team.name} / {endpoint.name} -> {endpoint.base_url} ({endpoint.model_id}),"
            f" {signed}"
        )

    @staticmethod
    def _attestation(options) -> dict:
        required = ("checkpoint", "licence", "statement", "signed_by")
        given = [name for name in required if options[name]]
        if not given:
            return {}
        if len(given) < len(required):
            missing = ", ".join("--" + n.replace("_", "-") for n in required if n not in given)
            raise CommandError(f"an attestation needs {missing} as well; nothing was registered")
        fields = {name: options[name] for name in ("checkpoint", "licence", "statement")}
        fields["signed_by_name"] = options["signed_by"]
        fields["open_weights"] = options["open_weights"]
        for name in ("params_total", "params_active"):
            if options[name] is not None:
                fields[name] = options[name]
        return fields
