"""Backups: dump the test database (SQLite or PostgreSQL) and the media files, restore into a fresh
database, and find every row again."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from noko.backup import BackupError, DbTarget, Manifest, create_backup, prune_backups, restore_backup
from registry.models import Organization


def _drop_pg_database(target: DbTarget) -> None:
    from psycopg import sql

    admin = target.pg_connect(dbname="postgres", autocommit=True)
    try:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target.name)))
    finally:
        admin.close()


@pytest.fixture
def source(db, tmp_path) -> DbTarget:
    """The database to back up: the test database itself on PostgreSQL (its demo rows are committed);
    on SQLite a file copy of the in-memory test database, because SQLite's backup API cannot read a
    shared-cache database while the test's own transaction holds it."""
    current = DbTarget.from_settings(connection.settings_dict)
    if current.engine == "postgresql":
        return current
    path = tmp_path / "source.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        copy.executescript("\n".join(connection.connection.iterdump()))
    return DbTarget(engine="sqlite", name=str(path))


def _url(target: DbTarget) -> str:
    if target.engine == "sqlite":
        return f"sqlite:///{target.name}"
    return f"postgres://{target.user}@{target.host}:{target.port}/{target.name}"


@pytest.fixture
def fresh_target(db, tmp_path):
    """An empty database of the test's own engine to restore into (dropped afterwards on PostgreSQL)."""
    current = DbTarget.from_settings(connection.settings_dict)
    if current.engine == "sqlite":
        yield DbTarget(engine="sqlite", name=str(tmp_path / "restored.sqlite3")), False
        return
    target = DbTarget(
        engine="postgresql",
        name=f"{current.name}_restore_{uuid.uuid4().hex[:8]}",
        user=current.user,
        password=current.password,
        host=current.host,
        port=current.port,
    )
    try:
        yield target, True
    finally:
        _drop_pg_database(target)


def _restored_counts(target: DbTarget) -> dict[str, int]:
    from noko.backup import pg_counts, sqlite_counts

    if target.engine == "sqlite":
        with sqlite3.connect(target.name) as conn:
            return sqlite_counts(conn)
    with target.pg_connect() as conn:
        return pg_counts(conn)


def _model_counts() -> dict[str, int]:
    return {
        model._meta.db_table: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_backup_and_restore_find_every_row(source, fresh_target, tmp_path):
    target, create = fresh_target
    media = tmp_path / "media"
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "stand.jpg").write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    (media / "reports" / "Отчёт.docx").parent.mkdir(parents=True)
    (media / "reports" / "Отчёт.docx").write_bytes(b"PK\x03\x04 report")

    directory, manifest = create_backup(tmp_path / "backups", source=source, media_root=media)

    assert directory.name.startswith("noko-")
    assert {"manifest.json", "media.tar.gz"} <= {p.name for p in directory.iterdir()}
    assert manifest.engine == target.engine
    assert manifest.media_files == 2
    # the manifest saw every row Django sees, model by model
    expected = _model_counts()
    assert {table: manifest.tables.get(table) for table in expected} == expected
    assert expected[Organization._meta.db_table] > 0
    assert manifest.migrations["registry"]

    restored_media = tmp_path / "restored-media"
    result = restore_backup(directory, target=target, media_root=restored_media, create_database=create)

    restored = _restored_counts(target)
    assert restored == manifest.tables
    assert {table: restored.get(table) for table in expected} == expected
    assert result.media_files == 2
    assert (restored_media / "reports" / "Отчёт.docx").read_bytes() == b"PK\x03\x04 report"
    assert (restored_media / "evidence" / "2026" / "stand.jpg").read_bytes() == (
        media / "evidence" / "2026" / "stand.jpg"
    ).read_bytes()
    # and a real row comes back with its content
    sample = Organization.objects.order_by("pk").first()
    query = "SELECT full_name, inn FROM registry_organization WHERE id = %s"
    if target.engine == "sqlite":
        with sqlite3.connect(target.name) as conn:
            row = conn.execute(query.replace("%s", "?"), (sample.pk,)).fetchone()
    else:
        with target.pg_connect() as conn:
            row = conn.execute(query, (sample.pk,)).fetchone()
    assert tuple(row) == (sample.full_name, sample.inn)


def test_restore_refuses_a_non_empty_database_unless_forced(source, fresh_target, tmp_path):
    target, create = fresh_target
    directory, manifest = create_backup(tmp_path / "b", source=source, include_media=False)
    restore_backup(directory, target=target, create_database=create, include_media=False)
    with pytest.raises(BackupError, match="--force"):
        restore_backup(directory, target=target, include_media=False)
    result = restore_backup(directory, target=target, force=True, include_media=False)
    assert result.tables == manifest.tables


def test_damaged_backup_is_refused_before_anything_is_restored(source, tmp_path):
    directory, manifest = create_backup(tmp_path / "b", source=source, include_media=False)
    db_file = next(directory / name for name in manifest.files if name.startswith("db."))
    data = bytearray(db_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    db_file.write_bytes(bytes(data))
    target = DbTarget(engine=manifest.engine, name=str(tmp_path / "never.sqlite3"))
    with pytest.raises(BackupError, match="checksum"):
        restore_backup(directory, target=target, include_media=False)
    assert not (tmp_path / "never.sqlite3").exists()


def test_restore_refuses_another_engine_and_an_unfinished_backup(source, tmp_path):
    directory, manifest = create_backup(tmp_path / "b", source=source, include_media=False)
    other = "postgresql" if manifest.engine == "sqlite" else "sqlite"
    with pytest.raises(BackupError, match=f"backup is of a {manifest.engine} database"):
        restore_backup(directory, target=DbTarget(engine=other, name=str(tmp_path / "x")), include_media=False)
    (directory / "manifest.json").unlink()
    with pytest.raises(BackupError, match="unfinished"):
        Manifest.read(directory)


def test_prune_keeps_the_newest_complete_backups(tmp_path):
    for name in ["noko-20260101-000000", "noko-20260102-000000", "noko-20260103-000000"]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text("{}")
    (tmp_path / "noko-20260104-000000.partial").mkdir()
    removed = prune_backups(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["noko-20260102-000000", "noko-20260103-000000"]
    assert len(removed) == 2


def test_backup_and_restore_commands(source, fresh_target, tmp_path, capsys):
    target, create = fresh_target
    out = tmp_path / "backups"
    call_command("backup", "--output", str(out), "--database-url", _url(source), "--no-media", "--keep", "3")
    (directory,) = [p for p in out.iterdir() if p.is_dir()]
    printed = capsys.readouterr().out
    assert f"{directory}: {target.engine}" in printed
    args = ["restore", str(directory), "--database-url", _url(target), "--no-media"]
    call_command(*args, *(["--create-database"] if create else []))
    assert "all counts match the manifest" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--force"):
        call_command(*args)


def test_backup_command_needs_a_directory(db, settings):
    settings.BACKUP_DIR = ""
    with pytest.raises(CommandError, match="BACKUP_DIR"):
        call_command("backup", "--output", "")


def test_sqlite_target_from_url(tmp_path):
    target = DbTarget.from_url(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert (target.engine, Path(target.name).name) == ("sqlite", "x.sqlite3")
    pg = DbTarget.from_url("postgres://noko:secret@db.internal:5433/noko")
    assert (pg.engine, pg.name, pg.user, pg.host, pg.port) == ("postgresql", "noko", "noko", "db.internal", "5433")
    assert pg.pg_env()["PGPASSWORD"] == "secret"


def test_verify_backup_restores_into_a_scratch_database_and_drops_it(source, tmp_path, capsys):
    directory, manifest = create_backup(tmp_path / "b", source=source, include_media=False)
    call_command("verify_backup", str(directory))
    assert f"backup {directory} verified: {len(manifest.tables)} tables" in capsys.readouterr().out
    current = DbTarget.from_settings(connection.settings_dict)
    if current.engine == "postgresql":
        with current.pg_connect(dbname="postgres") as conn:
            leftovers = conn.execute(
                "SELECT count(*) FROM pg_database WHERE datname LIKE %s", (f"{current.name}_verify_%",)
            ).fetchone()[0]
        assert leftovers == 0


def test_verify_backup_reports_a_damaged_backup(source, tmp_path):
    directory, _manifest = create_backup(tmp_path / "b", source=source, include_media=False)
    (directory / "manifest.json").write_text(
        (directory / "manifest.json").read_text().replace('"registry_organization": ', '"registry_organization": 1'),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="FAILED verification: restored row counts differ"):
        call_command("verify_backup", str(directory))
