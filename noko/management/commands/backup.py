"""manage.py backup — dump the database and the media files into a verified backup directory."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from noko.backup import BackupError, DbTarget, create_backup, prune_backups


class Command(BaseCommand):
    help = "Создать резервную копию базы данных и файлов (MEDIA_ROOT) с манифестом и контрольными суммами."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=getattr(settings, "BACKUP_DIR", None),
            help="directory for backups (default: BACKUP_DIR from the environment)",
        )
        parser.add_argument("--database-url", help="back up this database instead of DATABASE_URL")
        parser.add_argument("--no-media", action="store_true", help="skip MEDIA_ROOT")
        parser.add_argument("--keep", type=int, default=0, help="after success keep only the N newest backups")

    def handle(self, *args, output, database_url, no_media, keep, **options):
        if not output:
            raise CommandError("no backup directory: pass --output or set BACKUP_DIR")
        try:
            source = DbTarget.from_url(database_url) if database_url else None
            directory, manifest = create_backup(Path(output), source=source, include_media=not no_media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            f"{directory}: {manifest.engine}, {len(manifest.tables)} tables, {rows} rows, "
            f"{manifest.media_files} media files"
        )
        if keep > 0:
            for removed in prune_backups(Path(output), keep):
                self.stdout.write(f"removed {removed}")
