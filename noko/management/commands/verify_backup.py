"""manage.py verify_backup DIR — restore a backup into a scratch database, check it, drop it again."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from noko.backup import BackupError, DbTarget, restore_backup


class Command(BaseCommand):
    help = "Проверить резервную копию: восстановить во временную базу, сверить число строк, удалить базу."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="backup directory (noko-YYYYmmdd-HHMMSS)")
        parser.add_argument("--media-root", help="scratch directory for the media files (default: a temporary one)")

    def handle(self, *args, backup, media_root, **options):
        current = DbTarget.from_settings(connections["default"].settings_dict)
        scratch_dir = Path(tempfile.mkdtemp(prefix="noko-verify-"))
        media = Path(media_root) if media_root else scratch_dir / "media"
        if current.engine == "sqlite":
            target = DbTarget("sqlite", str(scratch_dir / "verify.sqlite3"))
        else:
            target = DbTarget(
                "postgresql",
                f"{current.name}_verify_{uuid.uuid4().hex[:8]}",
                user=current.user,
                password=current.password,
                host=current.host,
                port=current.port,
            )
        try:
            result = restore_backup(
                Path(backup), target=target, media_root=media, create_database=target.engine == "postgresql"
            )
        except BackupError as exc:
            raise CommandError(f"backup {backup} FAILED verification: {exc}") from exc
        finally:
            if target.engine == "postgresql":
                _drop(target)
            shutil.rmtree(scratch_dir, ignore_errors=True)
            if media_root:
                shutil.rmtree(media, ignore_errors=True)
        self.stdout.write(
            f"backup {backup} verified: {len(result.tables)} tables, {sum(result.tables.values())} rows, "
            f"{result.media_files} media files restored and matched"
        )


def _drop(target: DbTarget) -> None:
    from psycopg import sql

    try:
        admin = target.pg_connect(dbname="postgres", autocommit=True)
    except BackupError:
        return
    try:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target.name)))
    finally:
        admin.close()
