import os

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from practice import backups, pg_tools


class Command(BaseCommand):
    help = (
        "Write a backup of the database and the uploaded media to BACKUP_DIR, encrypted "
        "when BACKUP_PASSPHRASE is set, and delete all but the newest BACKUP_KEEP."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help="Backups to keep, this one included; 0 keeps all (default: %(default)s).",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )

    def handle(self, *args, keep, database, **options):
        directory = settings.BACKUP_DIR
        source = backups.Target(
            database=connections[database].settings_dict,
            media_root=settings.MEDIA_ROOT,
            environ=dict(os.environ),
        )
        try:
            with backups.exclusive(directory):
                path, manifest = backups.create_backup(
                    source, directory, passphrase=settings.BACKUP_PASSPHRASE
                )
                deleted = backups.rotate(directory, keep)
        except (backups.BackupError, pg_tools.ToolError) as error:
            raise CommandError(str(error)) from None
        except psycopg.Error as error:
            raise CommandError(f"Could not use the database: {error}") from None
        tables = manifest["database"]["tables"]
        media = manifest["media"]
        self.stdout.write(
            f"Backed up {sum(tables.values())} rows in {len(tables)} tables and "
            f"{media['files']} media files ({media['bytes']:,} bytes) to {path} "
            f"({path.stat().st_size:,} bytes"
            + (", encrypted)." if settings.BACKUP_PASSPHRASE else ", not encrypted).")
        )
        for old in deleted:
            self.stdout.write(f"Deleted {old.name} (BACKUP_KEEP is {keep}).")
