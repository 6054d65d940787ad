import os
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from practice import backups, pg_tools


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database, and its media "
        "into MEDIA_ROOT. Stop the site and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file.")
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Replace a database that is not empty: back it up first, then drop its "
                "tables. Its media files stay, those in the backup are written over them."
            ),
        )
        parser.add_argument(
            "--no-backup-first",
            action="store_true",
            help="With --force, do not back up the database that is replaced.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )

    def handle(self, *args, file, force, no_backup_first, database, **options):
        directory = settings.BACKUP_DIR
        target = backups.Target(
            database=connections[database].settings_dict,
            media_root=settings.MEDIA_ROOT,
            environ=dict(os.environ),
        )
        # Django's own connection must not hold locks on tables that are about to go.
        connections[database].close()
        try:
            with backups.exclusive(directory):
                if force and not no_backup_first and self.has_tables(target):
                    path, _ = backups.create_backup(
                        target, directory, passphrase=settings.BACKUP_PASSPHRASE
                    )
                    self.stdout.write(f"The database as it was is backed up in {path}.")
                manifest = backups.restore_backup(
                    file.resolve(),
                    target,
                    directory,
                    passphrase=settings.BACKUP_PASSPHRASE,
                    force=force,
                )
        except (backups.BackupError, pg_tools.ToolError) as error:
            raise CommandError(str(error)) from None
        except psycopg.Error as error:
            raise CommandError(f"Could not use the database: {error}") from None
        # Cached pages and site data describe the database as it was.
        cache.clear()
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Restored the backup of {manifest['created']}: {sum(tables.values())} rows in "
            f"{len(tables)} tables (counts checked) and {manifest['media']['files']} media "
            f"files into {settings.MEDIA_ROOT}. Run `manage.py migrate` if this code is newer."
        )

    @staticmethod
    def has_tables(target: backups.Target) -> bool:
        with pg_tools.connect(target.database, autocommit=True) as connection:
            return bool(pg_tools.relations(connection))
