"""Backups of the database and the uploaded media, and restoring them (see the README's
"Backups and restore").

A backup is one file, `practice-<UTC time>.tar.gz` (`.tar.gz.enc` when encrypted with
BACKUP_PASSPHRASE, see backup_encryption.py), holding `database.dump` (pg_dump's custom
format), `media/` and, last, `manifest.json`: the format, the time, and the row count of
every table as the dump holds it, which a restore checks. It is written under a temporary
name and renamed when complete, so a backup file is never half a backup; an interrupted
run's leftovers are removed by the next one.
"""

import contextlib
import fcntl
import gzip
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from practice import backup_encryption, pg_tools
from practice.durable_files import fsync_directory

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
NAME = re.compile(r"^practice-\d{8}T\d{6}\.\d{3}Z\.tar\.gz(\.enc)?$")
TEMPORARY_PREFIX = ".unfinished-"
LOCK = ".lock"
MIN_PASSPHRASE_LENGTH = 12


class BackupError(Exception):
    """Backing up or restoring cannot go on; the message tells the operator why."""


@dataclass(frozen=True)
class Target:
    """Where a backup comes from or goes to."""

    database: dict  # a DATABASES entry
    media_root: Path
    environ: dict  # the environment for pg_dump and pg_restore


def backup_name(now: datetime, *, encrypted: bool) -> str:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S.") + f"{now.microsecond // 1000:03d}Z"
    return f"practice-{stamp}.tar.gz" + (".enc" if encrypted else "")


def backups_in(directory: Path) -> list[Path]:
    """The backups in `directory`, newest first (the names sort by time)."""
    if not directory.is_dir():
        return []
    found = [path for path in directory.iterdir() if NAME.match(path.name) and path.is_file()]
    return sorted(found, key=lambda path: path.name, reverse=True)


def beyond_keep(backups: list[Path], keep: int) -> list[Path]:
    """Those of `backups` (newest first) past the newest `keep`; 0 keeps every one."""
    return backups[keep:] if keep > 0 else []


@contextlib.contextmanager
def exclusive(directory: Path):
    """One backup or restore at a time per backup folder. The lock is the kernel's and
    goes with the process, so a killed run never leaves it held; whoever holds it may
    remove what an interrupted run left behind."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(directory / LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"Another backup or restore is using {directory}.") from None
        for leftover in directory.glob(TEMPORARY_PREFIX + "*"):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
        yield


def check_passphrase(passphrase: str) -> None:
    if passphrase and len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise BackupError(
            f"BACKUP_PASSPHRASE must have at least {MIN_PASSPHRASE_LENGTH} characters."
        )


def media_files(media_root: Path) -> list[Path]:
    """Regular files under `media_root`, symlinks left out, in a stable order."""
    if not media_root.is_dir():
        return []
    found = []
    for folder, subfolders, files in os.walk(media_root):
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def create_backup(
    source: Target, directory: Path, *, passphrase: str = "", now: datetime | None = None
) -> tuple[Path, dict]:
    """Write a backup of `source` into `directory` (the caller holds `exclusive`)."""
    check_passphrase(passphrase)
    now = now or datetime.now(UTC)
    final = directory / backup_name(now, encrypted=bool(passphrase))
    work = Path(tempfile.mkdtemp(prefix=TEMPORARY_PREFIX, dir=directory))
    try:
        with pg_tools.snapshot(source.database) as (connection, snapshot_id):
            server_version = connection.info.server_version
            tables = pg_tools.row_counts(connection)
            pg_tools.dump(source.database, source.environ, work / DUMP, snapshot_id)
        partial = work / final.name
        manifest = {
            "format": FORMAT,
            "created": now.astimezone(UTC).isoformat(),
            "database": {
                "name": source.database["NAME"],
                "server_version": server_version,
                "tables": tables,
            },
        }
        try:
            _write_archive(partial, work / DUMP, source.media_root, manifest, passphrase)
            os.replace(partial, final)
            fsync_directory(directory)
        except OSError as error:  # a full disk, a media file that cannot be read
            raise BackupError(f"Could not write the backup: {error}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final, manifest


def _write_archive(
    partial: Path, dump_file: Path, media_root: Path, manifest: dict, passphrase: str
) -> None:
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as output:
        sink = backup_encryption.EncryptingWriter(output, passphrase) if passphrase else output
        # Level 6: the dump is compressed already, and most media are images.
        with (
            gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=6, mtime=0) as compressed,
            tarfile.open(fileobj=compressed, mode="w|") as archive,
        ):
            archive.add(dump_file, arcname=DUMP)
            manifest["media"] = _add_media(archive, media_root)
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
        if passphrase:
            sink.finish()
        output.flush()
        os.fsync(output.fileno())


def _add_media(archive: tarfile.TarFile, media_root: Path) -> dict:
    count = size = 0
    for path in media_files(media_root):
        try:
            with path.open("rb") as data:
                info = archive.gettarinfo(
                    fileobj=data, arcname=f"{MEDIA}/{path.relative_to(media_root)}"
                )
                archive.addfile(info, data)
        except FileNotFoundError:
            continue  # deleted since the listing: the database no longer needs it either
        count += 1
        size += info.size
    return {"files": count, "bytes": size}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def rotate(directory: Path, keep: int) -> list[Path]:
    deleted = beyond_keep(backups_in(directory), keep)
    for path in deleted:
        path.unlink(missing_ok=True)
    return deleted


def read_manifest(work: Path) -> dict:
    try:
        manifest = json.loads((work / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError("The backup has no readable manifest: it is incomplete.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"The backup's format is {manifest.get('format')!r}; this site reads {FORMAT}."
        )
    if not (work / DUMP).is_file():
        raise BackupError("The backup holds no database dump.")
    return manifest


def unpack(archive_path: Path, work: Path, passphrase: str) -> dict:
    """Decrypt and unpack a backup into `work`; return its manifest. Nothing outside
    `work` is written, whatever the archive holds (tarfile's "data" filter)."""
    try:
        with archive_path.open("rb") as raw:
            encrypted = backup_encryption.is_encrypted(raw.read(len(backup_encryption.MAGIC)))
            raw.seek(0)
            if encrypted and not passphrase:
                raise BackupError(
                    f"{archive_path.name} is encrypted: set BACKUP_PASSPHRASE to its passphrase."
                )
            source = backup_encryption.DecryptingReader(raw, passphrase) if encrypted else raw
            with tarfile.open(fileobj=source, mode="r|gz") as archive:
                for member in archive:
                    if member.name not in (MANIFEST, DUMP) and not member.name.startswith(
                        MEDIA + "/"
                    ):
                        raise BackupError(f"The backup holds an unexpected entry: {member.name}")
                    archive.extract(member, work, filter="data")
    except backup_encryption.EncryptionError as error:
        raise BackupError(str(error)) from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(f"{archive_path.name} is not a readable backup: {error}") from None
    return read_manifest(work)


def restore_backup(
    archive_path: Path, target: Target, directory: Path, *, passphrase: str, force: bool
) -> dict:
    """Restore a backup into `target` (the caller holds `exclusive`). Refuses a database
    that has tables unless `force`, which drops them first. Checks the restored row counts
    against the manifest. Dropping and restoring are one transaction. Media files are
    added afterwards, replacing those of the same name."""
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} does not exist.")
    with pg_tools.connect(target.database, autocommit=True) as connection:
        existing = pg_tools.relations(connection)
    if existing and not force:
        raise BackupError(
            f"The database {target.database['NAME']} is not empty ({len(existing)} tables, "
            "views or sequences). restore fills an empty database only; pass --force to "
            "replace everything in it."
        )
    work = Path(tempfile.mkdtemp(prefix=TEMPORARY_PREFIX, dir=directory))
    try:
        manifest = unpack(archive_path, work, passphrase)
        pg_tools.check_dump(work / DUMP)
        first = ""
        if existing:
            with pg_tools.connect(target.database, autocommit=True) as connection:
                first = pg_tools.drop_statements(connection)
        pg_tools.restore(target.database, target.environ, work / DUMP, first=first)
        with pg_tools.connect(target.database, autocommit=True) as connection:
            restored = pg_tools.row_counts(connection)
        expected = manifest["database"]["tables"]
        if restored != expected:
            differing = sorted(
                name for name in {*restored, *expected} if restored.get(name) != expected.get(name)
            )
            raise BackupError(f"Restored row counts differ from the backup's in: {differing}")
        copied = _restore_media(work / MEDIA, target.media_root)
        if copied != manifest["media"]["files"]:
            raise BackupError(
                f"{copied} media files restored, the backup lists {manifest['media']['files']}."
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def _restore_media(unpacked: Path, media_root: Path) -> int:
    copied = 0
    for path in media_files(unpacked):
        destination = media_root / path.relative_to(unpacked)
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(TEMPORARY_PREFIX + destination.name)
        shutil.copyfile(path, partial)
        os.replace(partial, destination)
        copied += 1
    return copied
