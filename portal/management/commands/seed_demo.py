from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from arena.battles.demo import demo_versions_load
from arena.battles.demo_aa import demo_aa_test_load
from arena.endpoints.demo_models import DEMO_MODELS
from arena.endpoints.services import endpoint_register
from arena.integrity.redteam_runs import redteam_run_latest
from arena.ratings.snapshots import snapshot_recompute
from ax_catalog.loading import demo_model_cases_load, register_sample_load, sample_load
from core import roles
from evaluation.demo import REPRESENTATIVE, demo_final_round_load, demo_round_load

# Known passwords are for a local demo only: the command refuses to run with DEBUG off.
DEMO_USERS = [
    ("demo-admin", roles.ADMINISTRATOR, True),
    ("demo-reviewer", roles.MINISTRY_REVIEWER, True),
    ("demo-expert", roles.EXPERT, False),
    ("demo-editor", roles.AGENCY_EDITOR, False),
    (REPRESENTATIVE, roles.TEAM_REPRESENTATIVE, False),
    ("demo-facilitator", roles.FACILITATOR, False),
]
DEMO_PASSWORD = "demo-pass-2026"


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
                endpoint_register(
                    team=model.team,
                    model=model.name,
                    base_url=base_url,
                    model_id=model.model_id,
                    internal=True,  # the built-in demo server on this machine
                    is_demo=True,
                    organization="데모 (실제 참가팀 아님)",
                    description=model.description,
                )
            User = get_user_model()
            for username, role, is_staff in DEMO_USERS:
                user, created = User.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.is_superuser = role == roles.ADMINISTRATOR
                    user.save()
                user.groups.add(Group.objects.get(name=role))
        versions = demo_versions_load(base_url=base_url)
        admin = User.objects.get(username="demo-admin")
        added = sample_load() + demo_model_cases_load() + register_sample_load(admin)
        aa_test = demo_aa_test_load()
        demo_round = demo_round_load()
        if (versions or aa_test) and not demo_round:
            snapshot_recompute()  # the round refits the boards when it is new; otherwise refit here
        final_round = demo_final_round_load(
            reviewer=User.objects.get(username="demo-reviewer"),
            representative=User.objects.get(username=REPRESENTATIVE),
        )
        if redteam_run_latest() is None:
            # A smaller log than `make bench` replays (200,000 votes), so `make run` starts in seconds;
            # the methodology page names the size it was run with.
            self.stdout.write("Red team: replaying 60,000 demo votes through the defences (once)...")
            call_command("redteam", votes=60_000, stdout=self.stdout)
        self.stdout.write(
            f"Demo data ready: {len(DEMO_MODELS)} demo models at {base_url}; {added} new sample AX cases"
        )
        if versions:
            self.stdout.write(
                "Demo versions: 나래-데모 0.9 retired (/methodology/changes/), 가람-데모 2 provisional, "
                "team exposure at /leaderboard/exposure/"
            )
        if demo_round:
            self.stdout.write(
                f"Demo stage-1 round: /staff/rounds/{demo_round.slug}/ (demo evidence, fictional)"
            )
        if final_round:
            self.stdout.write(
                f"Demo final round: /staff/rounds/{final_round.slug}/, published at /results/{final_round.slug}/"
            )
        self.stdout.write(
            f"Demo staff login: demo-admin / {DEMO_PASSWORD} (also demo-reviewer, demo-expert, demo-editor, "
            f"demo-facilitator; {REPRESENTATIVE} speaks for one demo team)"
        )
