import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmarks import site
from benchmarks.loadtest import SUBMITTED_MARKERS, submit_many
from practice import processes

CONTACT_PATH = "/contact/"  # where seed_demo puts the contact page


class Command(BaseCommand):
    help = (
        "Contact POSTs per second through gunicorn (production settings, 2 workers) on "
        "loopback, then the email worker against a local SMTP server. Works in a throwaway "
        "database on the same server, dropped at the end; exits non-zero if a check fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--total", type=int, default=500, help="Submissions to send.")
        parser.add_argument("--concurrency", type=int, default=20, help="Concurrent clients.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")

    def handle(self, *args, total, concurrency, workers, **options):
        if total < 1 or not 1 <= concurrency <= total:
            raise CommandError("Need --total >= 1 and 1 <= --concurrency <= --total.")
        self.rows = []
        self.failed = []
        config = settings.DATABASES["default"]
        with (
            site.scratch_directory() as scratch,
            processes.smtp_server() as mail,
            site.throwaway_database(config) as (name, database),
        ):
            environment = site.server_environment(database, mail.port, scratch)
            self.stdout.write(f"Preparing database {name} and static files in {scratch}")
            site.manage(environment, "migrate", "--noinput")
            site.manage(environment, "seed_demo")
            site.manage(environment, "collectstatic", "--noinput")
            # Wagtail queued search-index jobs while seeding: run them now, so that the
            # worker timing below is the notifications' alone.
            site.manage(environment, "db_worker", "--batch")
            with processes.gunicorn(environment, scratch / "gunicorn.log", workers=workers) as url:
                self.stdout.write(f"gunicorn is serving {url}")
                self.stdout.write(f"Posting {total} submissions from {concurrency} clients")
                result = submit_many(url + CONTACT_PATH, total, concurrency, min_seconds=0)
            rows = site.count_rows(database)
            self.stdout.write("Running the email worker")
            started = time.perf_counter()
            site.manage(environment, "db_worker", "--batch")
            deliver_seconds = time.perf_counter() - started
            leaked = sum(
                any(marker.encode() in message.content for marker in SUBMITTED_MARKERS)
                for message in mail.messages
            )
            delivered = len(mail.messages)
        self.stdout.write(
            f"\nContact benchmark: {total} submissions, {concurrency} clients, "
            f"gunicorn with {workers} workers, loopback\n"
        )
        self.figure("POSTs per second", f"{result.per_second:.1f}")
        self.figure("latency p50", f"{result.percentile(50) * 1000:.1f} ms")
        self.figure("latency p99", f"{result.percentile(99) * 1000:.1f} ms")
        self.expect("non-303 answers", result.failed, 0)
        self.expect("inquiries stored", rows["inquiries"], total)
        self.expect("notification jobs", rows["jobs"], total)
        self.expect("inquiries flagged spam", rows["spam"], 0)
        self.figure("worker time to deliver", f"{deliver_seconds:.1f} s")
        self.expect("emails delivered", delivered, total)
        self.expect("emails with submitted text", leaked, 0)
        if self.failed:
            raise CommandError(f"Failed: {', '.join(self.failed)}.")

    def figure(self, label, value):
        self.stdout.write(f"  {label:<28} {value:>10}")

    def expect(self, label, value, expected):
        ok = value == expected
        if not ok:
            self.failed.append(f"{label} {value} (expected {expected})")
        self.stdout.write(f"  {label:<28} {value:>10}  {'ok' if ok else 'FAIL'}")
