import subprocess

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from practice import processes
from practice.database import embedded_data_dir, forget_exited_processes


class Command(BaseCommand):
    help = (
        "What `make run` runs: migrate, seed the demo, make sure an admin exists, then serve "
        "the site with the email worker beside it. Ctrl-C stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo")
        call_command("ensure_admin")
        host = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        self.stdout.write(f"Site: http://{host}/   Admin: http://{host}/admin/")
        children = [
            processes.start_python(["manage.py", "db_worker", "--interval", "2"], None, None),
            processes.start_python(["manage.py", "runserver", addrport], None, None),
        ]
        interrupted = False
        try:
            # If either one dies, stop the other: half a dev server is confusing.
            while all(child.poll() is None for child in children):
                try:
                    children[1].wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            interrupted = True
        finally:
            # After Ctrl-C, which reached the children too, they first get to run their own
            # exit handlers (each releases its hold on the embedded database).
            processes.stop_processes(children, timeout=10, signalled=interrupted)
        # A child that died before its exit handler ran would keep the embedded database
        # running after this process, its last real user, exits.
        forget_exited_processes(embedded_data_dir(settings.BASE_DIR))
        self.stdout.write("Stopped.")
