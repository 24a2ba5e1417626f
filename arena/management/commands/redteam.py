from django.core.management.base import BaseCommand, CommandError

from arena.integrity import redteam
from arena.integrity.redteam_runs import redteam_run_record


class Command(BaseCommand):
    help = (
        "Replay a synthetic vote log with rigging attacks and random votes through the portal's "
        "defences; print the figures beside the goals and store them for /methodology/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--votes", type=int, default=200_000, help="honest votes in the log (default 200,000)"
        )
        parser.add_argument(
            "--rig-share",
            type=float,
            action="append",
            help="rigged votes as a share of all votes, in (0, 0.5]; repeat for several (default 0.005, 0.01, 0.02)",
        )
        parser.add_argument(
            "--attack",
            action="append",
            help=f"one of {', '.join(redteam.ATTACKS)}; repeat for several (default: all)",
        )
        parser.add_argument("--models", type=int, default=redteam.N_MODELS)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--no-store", action="store_true", help="print only; keep the published run")

    def handle(self, *args, votes, rig_share, attack, models, seed, no_store, **options):
        try:
            report = redteam.replay(
                votes,
                seed=seed,
                attacks=tuple(attack or redteam.ATTACKS),
                shares=tuple(rig_share or redteam.SHARES),
                n_models=models,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        for line in redteam.table_lines(report):
            self.stdout.write(line)
        if not no_store:
            run = redteam_run_record(report)
            self.stdout.write(
                f"stored as run {run.pk} ({run.created_at:%Y-%m-%d %H:%M}, {run.method_version})"
            )
