import datetime as dt
import logging
import time

from celery.schedules import schedule as every
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.celery import app

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run CELERY_BEAT_SCHEDULE in this process, for the embedded default where no broker and no beat "
        "exist (make run starts it). With a broker, run `celery -A portal beat` instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every entry once and exit")

    def handle(self, *args, **options):
        app.loader.import_default_modules()  # autodiscovery is lazy; register every app's tasks now
        entries = {
            name: (
                entry["task"],
                entry["schedule"] if hasattr(entry["schedule"], "is_due") else every(entry["schedule"]),
            )
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        last_run = {name: timezone.now() - dt.timedelta(days=1) for name in entries}
        while True:
            for name, (task, schedule) in entries.items():
                due, _ = schedule.is_due(last_run[name])
                if due or options["once"]:
                    last_run[name] = timezone.now()
                    try:
                        result = app.tasks[task].apply().get()
                        self.stdout.write(f"{name}: {result}")
                    except Exception:  # noqa: BLE001 - one failing job must not stop the others
                        log.exception("periodic task %s failed", name)
            if options["once"]:
                return
            time.sleep(5)
