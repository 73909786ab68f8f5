"""Backups of the database and the media files, and their verified restore.

A backup is a directory ``noko-YYYYmmdd-HHMMSS/`` holding

- ``db.dump``     PostgreSQL custom-format dump (``pg_dump -Fc``), or ``db.sqlite3`` (SQLite backup API);
- ``media.tar.gz`` the uploaded and generated files under MEDIA_ROOT;
- ``manifest.json`` written last: engine, row count of every table, file checksums, applied migrations.

On PostgreSQL the row counts and the dump come from one exported snapshot
(``pg_export_snapshot()`` + ``pg_dump --snapshot``), so they match exactly even
while the system keeps writing. ``restore_backup`` checks the checksums, restores,
and compares the restored row counts with the manifest; any difference is an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore could not be done; the message says why."""


@dataclass
class DbTarget:
    engine: str  # "postgresql" or "sqlite"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, config: dict) -> DbTarget:
        engine = config["ENGINE"].rsplit(".", 1)[-1]
        if engine not in ("postgresql", "sqlite3"):
            raise BackupError(f"unsupported database engine {config['ENGINE']}")
        return cls(
            engine="sqlite" if engine == "sqlite3" else "postgresql",
            name=str(config["NAME"]),
            user=config.get("USER") or "",
            password=config.get("PASSWORD") or "",
            host=str(config.get("HOST") or ""),
            port=str(config.get("PORT") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> DbTarget:
        try:
            return cls.from_settings(dj_database_url.parse(url))
        except ValueError as exc:
            raise BackupError(f"database URL {url!r}: {exc}") from exc

    def pg_env(self, dbname: str | None = None) -> dict[str, str]:
        env = dict(os.environ)
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGDATABASE", dbname or self.name),
        ):
            if value:
                env[key] = value
        return env

    def pg_connect(self, dbname: str | None = None, **kwargs):
        import psycopg

        params = {"dbname": dbname or self.name}
        for key in ("user", "password", "host", "port"):
            if getattr(self, key):
                params[key] = getattr(self, key)
        try:
            return psycopg.connect(**params, **kwargs)
        except psycopg.Error as exc:
            raise BackupError(f"cannot connect to PostgreSQL database {params['dbname']!r}: {exc}") from exc


@dataclass
class Manifest:
    engine: str
    created_at: str
    database: str
    tables: dict[str, int]
    media_files: int
    files: dict[str, str]
    migrations: dict[str, str] = field(default_factory=dict)
    format: int = FORMAT_VERSION

    def write(self, directory: Path) -> None:
        (directory / MANIFEST).write_text(json.dumps(self.__dict__, ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.exists():
            raise BackupError(f"{directory}: no {MANIFEST} — not a backup, or an unfinished one")
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT_VERSION:
            raise BackupError(f"{path}: unknown backup format {data.get('format')!r}")
        return cls(**data)


@dataclass
class RestoreResult:
    manifest: Manifest
    tables: dict[str, int]
    media_files: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    try:
        completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} not found: install the PostgreSQL client (postgresql-client)") from exc
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed ({completed.returncode}): {completed.stderr.strip()[-2000:]}")


# --- row counts ----------------------------------------------------------------------------------


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
    )
    return [row[0] for row in cursor.fetchall()]


def pg_counts(conn) -> dict[str, int]:
    from psycopg import sql

    counts = {}
    with conn.cursor() as cursor:
        for table in _pg_tables(cursor):
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def _latest_migrations(rows) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in sorted(rows):
        latest[app] = name
    return latest


# --- backup --------------------------------------------------------------------------------------


def create_backup(
    output_dir: Path,
    *,
    source: DbTarget | None = None,
    media_root: Path | None = None,
    include_media: bool = True,
) -> tuple[Path, Manifest]:
    """Write a new backup directory under OUTPUT_DIR and return its path and manifest.

    SOURCE is the database to back up (default: the configured ``default`` database).
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    directory = output_dir / f"noko-{stamp}"
    suffix = 1
    while directory.exists():
        suffix += 1
        directory = output_dir / f"noko-{stamp}-{suffix}"
    partial = directory.with_name(directory.name + ".partial")
    partial.mkdir()
    try:
        target = source or DbTarget.from_settings(connections["default"].settings_dict)
        if target.engine == "postgresql":
            db_file, tables, migrations = _dump_postgresql(target, partial)
        else:
            db_file, tables, migrations = _dump_sqlite(target, partial)
        media_count = 0
        files = {db_file.name: _sha256(db_file)}
        if include_media:
            media_file, media_count = _archive_media(Path(media_root or settings.MEDIA_ROOT), partial)
            files[media_file.name] = _sha256(media_file)
        manifest = Manifest(
            engine=target.engine,
            created_at=timezone.now().isoformat(),
            database=Path(target.name).name if target.engine == "sqlite" else target.name,
            tables=tables,
            media_files=media_count,
            files=files,
            migrations=migrations,
        )
        manifest.write(partial)
        partial.rename(directory)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return directory, manifest


def _dump_postgresql(target: DbTarget, directory: Path) -> tuple[Path, dict[str, int], dict[str, str]]:
    from psycopg import IsolationLevel

    dump = directory / "db.dump"
    conn = target.pg_connect()
    try:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        tables = pg_counts(conn)
        migrations = {}
        if "django_migrations" in tables:
            migrations = _latest_migrations(conn.execute("SELECT app, name FROM django_migrations").fetchall())
        # the dump sees exactly the snapshot the counts were taken in
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", f"--file={dump}"],
            env=target.pg_env(),
        )
    finally:
        conn.rollback()
        conn.close()
    return dump, tables, migrations


def _dump_sqlite(target: DbTarget, directory: Path) -> tuple[Path, dict[str, int], dict[str, str]]:
    copy = directory / "db.sqlite3"
    # a connection of its own, so the copy holds exactly the committed state
    source = sqlite3.connect(target.name, uri=target.name.startswith("file:"), timeout=60)
    destination = sqlite3.connect(copy)
    try:
        source.backup(destination)
        tables = sqlite_counts(destination)
        migrations = {}
        if "django_migrations" in tables:
            migrations = _latest_migrations(destination.execute("SELECT app, name FROM django_migrations").fetchall())
    finally:
        destination.close()
        source.close()
    return copy, tables, migrations


def _archive_media(media_root: Path, directory: Path) -> tuple[Path, int]:
    archive = directory / "media.tar.gz"
    count = 0
    with tarfile.open(archive, "w:gz") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    count += 1
    return archive, count


def prune_backups(output_dir: Path, keep: int) -> list[Path]:
    """Delete all but the KEEP newest complete backups (and leftovers of failed ones)."""
    output_dir = Path(output_dir)
    removed = []
    for leftover in output_dir.glob("noko-*.partial"):
        shutil.rmtree(leftover, ignore_errors=True)
        removed.append(leftover)
    complete = sorted(p for p in output_dir.glob("noko-*") if (p / MANIFEST).exists())
    for old in complete[: max(0, len(complete) - keep)]:
        shutil.rmtree(old)
        removed.append(old)
    return removed


# --- restore -------------------------------------------------------------------------------------


def verify_files(directory: Path, manifest: Manifest) -> None:
    for name, digest in manifest.files.items():
        path = directory / name
        if not path.exists():
            raise BackupError(f"{path}: file listed in the manifest is missing")
        if _sha256(path) != digest:
            raise BackupError(f"{path}: checksum differs from the manifest (damaged or altered)")


def restore_backup(
    directory: Path,
    *,
    target: DbTarget,
    media_root: Path | None = None,
    create_database: bool = False,
    force: bool = False,
    include_media: bool = True,
) -> RestoreResult:
    """Restore the backup in DIRECTORY into TARGET (and MEDIA_ROOT) and check every table's row count."""
    directory = Path(directory)
    manifest = Manifest.read(directory)
    verify_files(directory, manifest)
    if manifest.engine != target.engine:
        raise BackupError(f"the backup is of a {manifest.engine} database, the target is {target.engine}")
    if target.engine == "postgresql":
        tables = _restore_postgresql(directory / "db.dump", target, create_database=create_database, force=force)
    else:
        tables = _restore_sqlite(directory / "db.sqlite3", Path(target.name), force=force)
    differences = {
        table: (expected, tables.get(table))
        for table, expected in manifest.tables.items()
        if tables.get(table) != expected
    }
    if differences:
        listed = ", ".join(f"{t}: expected {e}, found {f}" for t, (e, f) in sorted(differences.items())[:20])
        raise BackupError(f"restored row counts differ from the backup: {listed}")
    media_count = 0
    if include_media and "media.tar.gz" in manifest.files:
        media_count = _extract_media(directory / "media.tar.gz", Path(media_root or settings.MEDIA_ROOT))
        if media_count != manifest.media_files:
            raise BackupError(f"restored {media_count} media files, the backup lists {manifest.media_files}")
    return RestoreResult(manifest=manifest, tables=tables, media_files=media_count)


def _restore_postgresql(dump: Path, target: DbTarget, *, create_database: bool, force: bool) -> dict[str, int]:
    from psycopg import sql

    if create_database:
        admin = target.pg_connect(dbname="postgres", autocommit=True)
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.name)))
        except Exception as exc:
            raise BackupError(f"cannot create database {target.name!r}: {exc}") from exc
        finally:
            admin.close()
    with target.pg_connect() as conn, conn.cursor() as cursor:
        existing = _pg_tables(cursor)
    if existing and not force:
        raise BackupError(
            f"database {target.name!r} already has {len(existing)} tables; restore into an empty database "
            "(--create-database) or pass --force to replace its contents"
        )
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if existing:
        command += ["--clean", "--if-exists"]
    _run([*command, f"--dbname={target.name}", str(dump)], env=target.pg_env())
    with target.pg_connect() as conn:
        return pg_counts(conn)


def _restore_sqlite(copy: Path, path: Path, *, force: bool) -> dict[str, int]:
    if path.exists() and path.stat().st_size > 0:
        with sqlite3.connect(path) as existing:
            if sqlite_counts(existing) and not force:
                raise BackupError(f"{path} already holds tables; pass --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy)
    destination = sqlite3.connect(path)
    try:
        source.backup(destination)
        return sqlite_counts(destination)
    finally:
        source.close()
        destination.close()


def _extract_media(archive: Path, media_root: Path) -> int:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        tar.extractall(media_root, members=members, filter="data")
    return len(members)
