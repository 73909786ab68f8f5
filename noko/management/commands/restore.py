"""manage.py restore DIR — restore a backup and check every table's row count against its manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from noko.backup import BackupError, DbTarget, restore_backup


class Command(BaseCommand):
    help = "Восстановить резервную копию в пустую (или, с --force, в существующую) базу данных и проверить её."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="backup directory (noko-YYYYmmdd-HHMMSS)")
        parser.add_argument(
            "--database-url",
            help="restore into this database instead of DATABASE_URL (e.g. a fresh one to test the backup)",
        )
        parser.add_argument("--create-database", action="store_true", help="CREATE DATABASE first (PostgreSQL)")
        parser.add_argument("--force", action="store_true", help="replace the contents of a non-empty database")
        parser.add_argument("--media-root", help="extract media files here (default: MEDIA_ROOT)")
        parser.add_argument("--no-media", action="store_true", help="do not restore media files")

    def handle(self, *args, backup, database_url, create_database, force, media_root, no_media, **options):
        if database_url:
            target = DbTarget.from_url(database_url)
        else:
            target = DbTarget.from_settings(connections["default"].settings_dict)
            connections["default"].close()
        try:
            result = restore_backup(
                Path(backup),
                target=target,
                media_root=Path(media_root) if media_root else None,
                create_database=create_database,
                force=force,
                include_media=not no_media,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {backup} into {target.name}: {len(result.tables)} tables, "
            f"{sum(result.tables.values())} rows (all counts match the manifest), {result.media_files} media files"
        )
