from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from arena.endpoints.demo_models import DEMO_MODELS
from arena.endpoints.services import endpoint_register
from arena.models import Attestation
from ax_catalog.loading import demo_model_cases_load, register_sample_load, sample_load
from core import roles
from evaluation.demo import demo_round_load

# Known passwords are for a local demo only: the command refuses to run with DEBUG off.
DEMO_USERS = [
    ("demo-admin", roles.ADMINISTRATOR, True),
    ("demo-reviewer", roles.MINISTRY_REVIEWER, True),
    ("demo-expert", roles.EXPERT, False),
    ("demo-editor", roles.AGENCY_EDITOR, False),
    ("demo-facilitator", roles.FACILITATOR, False),
]
DEMO_PASSWORD = "demo-pass-2026"
# Made-up sizes (total, active parameters) spread over the size and energy classes.
DEMO_SIZES = {
    "demo-garam": (1_500_000_000, 1_500_000_000),
    "demo-narae": (32_000_000_000, 32_000_000_000),
    "demo-daon": (235_000_000_000, 22_000_000_000),
    "demo-raon": (8_000_000_000, 8_000_000_000),
    "demo-maru": (70_000_000_000, 70_000_000_000),
}


class Command(BaseCommand):
    help = "Load demo data: demo teams and endpoints on the built-in demo model server, and demo users."

    def add_arguments(self, parser):
        parser.add_argument("--models-url", default=settings.DEMO_MODELS_URL)

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates users with known passwords; it only runs with DEBUG on.")
        base_url = options["models_url"].rstrip("/") + "/v1"
        with transaction.atomic():
            for model in DEMO_MODELS:
                endpoint, _created = endpoint_register(
                    team=model.team,
                    model=model.name,
                    base_url=base_url,
                    model_id=model.model_id,
                    internal=True,  # the built-in demo server on this machine
                    is_demo=True,
                    organization="데모 (실제 참가팀 아님)",
                    description=model.description,
                )
                # A made-up attestation, so the demo's model cards show sizes and energy classes.
                total, active = DEMO_SIZES[model.model_id]
                Attestation.objects.get_or_create(
                    endpoint=endpoint,
                    defaults={
                        "checkpoint": f"demo:{model.model_id}",
                        "params_total": total,
                        "params_active": active,
                        "licence": "데모 (가상)",
                        "open_weights": True,
                        "statement": "시연용 데모 모델의 가상 확인서입니다. 실제 모델이 아닙니다.",
                        "signed_by_name": "데모",
                        "signed_at": timezone.now(),
                    },
                )
            User = get_user_model()
            for username, role, is_staff in DEMO_USERS:
                user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.is_superuser = role == roles.ADMINISTRATOR
                    user.save()
                user.groups.add(Group.objects.get(name=role))
        admin = get_user_model().objects.get(username="demo-admin")
        added = sample_load() + demo_model_cases_load() + register_sample_load(admin)
        demo_round = demo_round_load()
        self.stdout.write(
            f"Demo data ready: {len(DEMO_MODELS)} demo models at {base_url}; {added} new sample AX cases"
        )
        if demo_round:
            self.stdout.write(
                f"Demo stage-1 round: /staff/rounds/{demo_round.slug}/ (demo evidence, fictional)"
            )
        self.stdout.write(
            f"Demo staff login: demo-admin / {DEMO_PASSWORD} (also demo-reviewer, demo-expert, demo-editor, demo-facilitator)"
        )
