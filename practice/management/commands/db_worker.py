"""`manage.py db_worker`: django-tasks-db's worker, plus recovery of the jobs a killed
worker left RUNNING (see practice.task_recovery). "practice" comes before django_tasks_db
in INSTALLED_APPS, so this command is the one `manage.py db_worker` runs; every option of
the original works as before."""

import os
from argparse import ArgumentTypeError

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from practice.task_recovery import LivenessKeeper, LivenessLock, requeue_orphaned_jobs


def positive_seconds(value: str) -> float:
    seconds = db_worker.valid_interval(value)
    if seconds == 0:
        raise ArgumentTypeError("Must be greater than zero")
    return seconds


class Command(db_worker.Command):
    help = (
        "Run the database task worker. Jobs left running by a worker that died are queued "
        "again at start and every --recovery-interval seconds."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--recovery-interval",
            type=positive_seconds,
            default=60.0,
            help="Seconds between checks for jobs of dead workers (default: %(default)s).",
        )

    def handle(self, *args, recovery_interval, **options):
        if not self.runs_tasks(options):
            # The autoreloader's parent: it only restarts the child that does the work.
            return super().handle(*args, **options)
        using = DBTaskResult.objects.db
        # Before taking our own lock, so that jobs a previous worker with this same id
        # left running (a fixed --worker-id, restarted) count as orphaned too.
        requeue_orphaned_jobs(using)
        lock = LivenessLock(options["worker_id"], using)
        lock.hold()
        keeper = LivenessKeeper(lock, recovery_interval)
        keeper.start()
        try:
            return super().handle(*args, **options)
        finally:
            keeper.stopped.set()

    @staticmethod
    def runs_tasks(options) -> bool:
        reloads = options["reload"] and not options["batch"]
        return not reloads or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
