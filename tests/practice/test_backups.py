"""Backups proven to restore: a seeded database and its media, backed up by
`manage.py backup` and restored by `manage.py restore` (the real commands, run as the
operator runs them) into a scratch database on the same server, compared table by table."""

import io
import os
import subprocess
import sys
import tarfile
import urllib.parse
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.db import connection
from PIL import Image as PILImage
from psycopg import sql
from wagtail.images.models import Image
from wagtail.models import Page, Revision

from contact import encryption
from contact.models import Inquiry
from practice import backup_encryption, backups

PASSPHRASE = "correct horse battery staple"


# -- The rules, without a database ------------------------------------------------------


def test_names_sort_by_time_and_rotation_keeps_the_newest():
    start = datetime(2026, 12, 4, 15, 10, 44, 123456, tzinfo=UTC)
    names = [
        backups.backup_name(start + timedelta(hours=hours), encrypted=hours % 2 == 0)
        for hours in range(5)
    ]
    assert names[0] == "practice-20261204T151044.123Z.tar.gz.enc"
    assert all(backups.NAME.match(name) for name in names)
    newest_first = sorted((Path(name) for name in names), key=lambda p: p.name, reverse=True)
    assert [p.name for p in newest_first] == list(reversed(names))
    assert [p.name for p in backups.beyond_keep(newest_first, 3)] == [names[1], names[0]]
    assert backups.beyond_keep(newest_first, 0) == []


def test_rotation_deletes_only_backups_beyond_the_count(tmp_path):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for day in range(4):
        (tmp_path / backups.backup_name(start + timedelta(days=day), encrypted=False)).touch()
    (tmp_path / "notes.txt").touch()  # not a backup: never touched
    deleted = backups.rotate(tmp_path, keep=2)
    assert [p.name for p in deleted] == [
        "practice-20260102T000000.000Z.tar.gz",
        "practice-20260101T000000.000Z.tar.gz",
    ]
    assert len(backups.backups_in(tmp_path)) == 2
    assert (tmp_path / "notes.txt").exists()


def encrypt(data: bytes, passphrase: str = PASSPHRASE) -> bytes:
    output = io.BytesIO()
    writer = backup_encryption.EncryptingWriter(output, passphrase, log_n=10)
    for start in range(0, len(data), 7000):  # writes of any size
        writer.write(data[start : start + 7000])
    writer.finish()
    return output.getvalue()


def decrypt(sealed: bytes, passphrase: str = PASSPHRASE) -> bytes:
    reader = backup_encryption.DecryptingReader(io.BytesIO(sealed), passphrase)
    parts = []
    while chunk := reader.read(5000):
        parts.append(chunk)
    return b"".join(parts)


@pytest.mark.parametrize("size", [0, 1, backup_encryption.CHUNK_SIZE, 200_000])
def test_encryption_round_trips_any_length(size):
    data = os.urandom(size)
    sealed = encrypt(data)
    if size >= 64:
        assert data[:64] not in sealed
    assert decrypt(sealed) == data


def test_a_wrong_passphrase_is_told_apart_from_damage():
    sealed = encrypt(os.urandom(150_000))
    with pytest.raises(backup_encryption.WrongPassphrase, match="Wrong passphrase"):
        decrypt(sealed, "another passphrase")
    flipped = bytearray(sealed)
    flipped[-100] ^= 1
    truncated = sealed[: backup_encryption.HEADER_SIZE + backup_encryption.CHUNK_SIZE + 16]
    reordered = bytearray(sealed)
    first = slice(backup_encryption.HEADER_SIZE, backup_encryption.HEADER_SIZE + 65552)
    second = slice(first.stop, first.stop + 65552)
    reordered[first], reordered[second] = sealed[second], sealed[first]
    for damaged in (bytes(flipped), truncated, bytes(reordered)):
        with pytest.raises(backup_encryption.EncryptionError, match="damaged or incomplete"):
            decrypt(damaged)


def test_an_archive_with_paths_outside_its_folder_is_refused(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        info = tarfile.TarInfo("media/../../escaped.txt")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"bad"))
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(backups.BackupError, match="not a readable backup"):
        backups.unpack(evil, work, "")
    assert not (tmp_path / "escaped.txt").exists()

    stranger = tmp_path / "stranger.tar.gz"
    with tarfile.open(stranger, "w:gz") as archive:
        info = tarfile.TarInfo("etc/cron.d/job")
        info.size = 0
        archive.addfile(info, io.BytesIO())
    with pytest.raises(backups.BackupError, match="unexpected entry"):
        backups.unpack(stranger, work, "")


def test_a_file_that_is_not_a_backup_is_refused_clearly(tmp_path):
    junk = tmp_path / "practice-20260101T000000.000Z.tar.gz"
    junk.write_bytes(b"not a backup at all")
    with pytest.raises(backups.BackupError, match="is not a readable backup"):
        backups.unpack(junk, tmp_path, "")


# -- The round trip through the real commands --------------------------------------------


def scratch_url(name: str) -> str:
    config = connection.settings_dict
    user = urllib.parse.quote(config["USER"] or "", safe="")
    password = config["PASSWORD"] or ""
    credentials = f"{user}:{urllib.parse.quote(password, safe='')}" if password else user
    host = urllib.parse.quote(config["HOST"] or "127.0.0.1", safe="")
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgresql://{credentials}@{host}{port}/{name}"


def server_connection(dbname: str) -> psycopg.Connection:
    config = connection.settings_dict
    return psycopg.connect(
        dbname=dbname,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )


@contextmanager
def scratch_database():
    """An empty database on the test database's server, dropped however the test ends."""
    name = f"test_restore_{uuid.uuid4().hex[:12]}"
    with server_connection("postgres") as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with server_connection("postgres") as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def manage(*arguments: str, database: str, media: Path, backup_dir: Path, passphrase=""):
    """`manage.py <arguments>` as an operator runs it, against database `database`."""
    environment = {key: value for key, value in os.environ.items() if key != "BACKUP_PASSPHRASE"}
    environment.update(
        DJANGO_SETTINGS_MODULE="practice.settings.dev",
        DATABASE_URL=scratch_url(database),
        MEDIA_ROOT=str(media),
        BACKUP_DIR=str(backup_dir),
    )
    if passphrase:
        environment["BACKUP_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def table_contents(dbname: str) -> dict[str, tuple]:
    """Every table's row count and a digest of all its rows, and every sequence's value."""
    contents = {}
    with server_connection(dbname) as db:
        tables = db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        for (table,) in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                " FROM {} t"
            ).format(sql.Identifier(table))
            contents[table] = tuple(db.execute(query).fetchone())
        sequences = db.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall()
        for sequence, last_value in sequences:
            contents[f"sequence {sequence}"] = (last_value,)
    return contents


@pytest.fixture
def seeded_site(demo_site, settings, tmp_path):
    """The demo site plus inquiries, a draft revision and an uploaded image, committed."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_PASSPHRASE = ""
    for number in range(3):
        Inquiry.objects.create(
            name=f"Person {number}",
            email=f"person{number}@example.com",
            message=f"Message {number}\nwith a second line and ünïcode",
            client_hash=f"{number}" * 64,
            staff_notes="Called back." if number else "",
        )
    home = demo_site.root_page.specific
    home.title = "Draft title"
    home.save_revision()
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (90, 140, 120)).save(buffer, format="PNG")
    image = Image.objects.create(title="Office", file=ImageFile(buffer, name="office.png"))
    image.get_rendition("width-32")
    return image


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_into_an_empty_database_with_the_same_content(seeded_site, tmp_path):
    call_command("backup", stdout=io.StringIO())
    (archive,) = backups.backups_in(settings.BACKUP_DIR)
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    expected = table_contents(connection.settings_dict["NAME"])
    assert expected["contact_inquiry"][0] == 3
    image_bytes = Path(seeded_site.file.path).read_bytes()

    restored_media = tmp_path / "restored-media"
    with scratch_database() as scratch:
        done = manage(
            "restore",
            str(archive),
            database=scratch,
            media=restored_media,
            backup_dir=tmp_path / "b2",
        )
        assert done.returncode == 0, done.stderr
        assert "counts checked" in done.stdout

        assert table_contents(scratch) == expected
        with server_connection(scratch) as db:
            names = [row[0] for row in db.execute("SELECT name FROM contact_inquiry ORDER BY id")]
            titles = {row[0] for row in db.execute("SELECT title FROM wagtailcore_page")}
            revisions = db.execute("SELECT count(*) FROM wagtailcore_revision").fetchone()[0]
        # Encrypted at rest, in the backup as in the database; the keys read them back.
        assert not any("Person" in name for name in names)
        assert [encryption.decrypt(name) for name in names] == ["Person 0", "Person 1", "Person 2"]
        assert "Draft title" not in titles  # the draft stays a draft, in its revision
        assert revisions == Revision.objects.count() >= Page.objects.filter(depth__gt=1).count()
        assert (restored_media / seeded_site.file.name).read_bytes() == image_bytes
        rendition = seeded_site.renditions.get()
        assert (restored_media / rendition.file.name).is_file()

        # Into a database that is no longer empty: refused, and nothing changes.
        again = manage(
            "restore",
            str(archive),
            database=scratch,
            media=restored_media,
            backup_dir=tmp_path / "b2",
        )
        assert again.returncode != 0
        assert "is not empty" in again.stderr
        assert "--force" in again.stderr
        assert table_contents(scratch) == expected

        # A replacement that fails late (here: at its first index, after the old tables
        # were dropped and the new rows loaded) leaves the database as it was.
        with server_connection(scratch) as db:
            db.execute(
                "CREATE FUNCTION refuse_indexes() RETURNS event_trigger LANGUAGE plpgsql"
                " AS $$ BEGIN RAISE EXCEPTION 'no indexes today'; END $$"
            )
            db.execute(
                "CREATE EVENT TRIGGER refuse_indexes ON ddl_command_end"
                " WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION refuse_indexes()"
            )
            db.execute(
                "DELETE FROM contact_inquiry WHERE id = (SELECT max(id) FROM contact_inquiry)"
            )
        changed = table_contents(scratch)
        failed = manage(
            "restore",
            str(archive),
            "--force",
            "--no-backup-first",
            database=scratch,
            media=restored_media,
            backup_dir=tmp_path / "b2",
        )
        assert failed.returncode != 0
        assert "nothing was restored" in failed.stderr
        assert "no indexes today" in failed.stderr
        assert table_contents(scratch) == changed
        assert changed["contact_inquiry"][0] == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_encrypted_backup_needs_its_passphrase_and_force_replaces_a_database(
    seeded_site, settings, tmp_path
):
    settings.BACKUP_PASSPHRASE = PASSPHRASE
    out = io.StringIO()
    call_command("backup", stdout=out)
    assert "encrypted" in out.getvalue()
    assert "not encrypted" not in out.getvalue()
    (archive,) = backups.backups_in(settings.BACKUP_DIR)
    assert archive.name.endswith(".tar.gz.enc")
    assert b"Person 1" not in archive.read_bytes()
    expected = table_contents(connection.settings_dict["NAME"])
    media, backup_dir = tmp_path / "restored-media", tmp_path / "scratch-backups"

    with scratch_database() as scratch:
        missing = manage(
            "restore", str(archive), database=scratch, media=media, backup_dir=backup_dir
        )
        assert "is encrypted: set BACKUP_PASSPHRASE" in missing.stderr
        wrong = manage(
            "restore",
            str(archive),
            database=scratch,
            media=media,
            backup_dir=backup_dir,
            passphrase="not the passphrase",
        )
        assert wrong.returncode != 0
        assert "Wrong passphrase" in wrong.stderr
        assert table_contents(scratch) == {}  # nothing restored

        # A database with other content: --force backs it up, then replaces it.
        with server_connection(scratch) as db:
            db.execute("CREATE TABLE leftover (id int)")
            db.execute("INSERT INTO leftover VALUES (1)")
        forced = manage(
            "restore",
            str(archive),
            "--force",
            database=scratch,
            media=media,
            backup_dir=backup_dir,
            passphrase=PASSPHRASE,
        )
        assert forced.returncode == 0, forced.stderr
        assert table_contents(scratch) == expected
        (before,) = backups.backups_in(backup_dir)
        assert "backed up in" in forced.stdout
        assert before.name in forced.stdout


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backups_beyond_the_keep_count_go_and_leftovers_of_a_killed_run_too(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = directory = tmp_path / "backups"
    settings.BACKUP_PASSPHRASE = ""
    directory.mkdir()
    leftover = directory / (backups.TEMPORARY_PREFIX + "abc")
    leftover.mkdir()
    (leftover / backups.DUMP).write_bytes(b"half")
    old = [
        directory / backups.backup_name(datetime(2026, 1, day, tzinfo=UTC), encrypted=False)
        for day in (1, 2, 3)
    ]
    for path in old:
        path.write_bytes(b"old")
    call_command("backup", "--keep", "2", stdout=io.StringIO())
    remaining = backups.backups_in(directory)
    assert len(remaining) == 2
    assert remaining[1] == old[2]
    assert not leftover.exists()


def test_a_second_run_while_one_holds_the_folder_is_refused(tmp_path):
    with (
        backups.exclusive(tmp_path),
        pytest.raises(backups.BackupError, match="Another backup or restore"),
        backups.exclusive(tmp_path),
    ):
        pass
    with backups.exclusive(tmp_path):  # released with its holder
        pass


def test_a_short_passphrase_is_refused():
    with pytest.raises(backups.BackupError, match="at least 12"):
        backups.check_passphrase("short")


def test_compose_backs_up_daily_into_a_volume_with_the_media():
    import yaml

    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    service = compose["services"]["backup"]
    command = " ".join(service["command"])
    assert "manage.py backup" in command
    assert "sleep 86400" in command
    assert service["environment"]["BACKUP_DIR"] == "/backups"
    assert service["environment"]["DATABASE_URL"] == compose["x-app"]["environment"]["DATABASE_URL"]
    assert set(service["volumes"]) == {"media:/app/media", "backups:/backups"}
    assert "backups" in compose["volumes"]
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()
    assert "chown app:app /app/media /backups" in dockerfile  # the volume starts writable
    readme = (settings.BASE_DIR / "README.md").read_text()
    for variable in ("BACKUP_DIR", "BACKUP_KEEP", "BACKUP_PASSPHRASE"):
        assert f"| `{variable}` |" in readme
