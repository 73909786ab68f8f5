"""Scale-out: three `manage.py worker` processes share one PostgreSQL queue.

A fresh database of its own (the test database's demo rows stay untouched) is migrated, 300 probe jobs
are enqueued, and three real worker processes drain the queue. Every job runs exactly once, the work is
spread over all three, progress is recorded, a worker stopped with SIGTERM (what systemd sends)
finishes its job before it exits, and the job of a worker killed with SIGKILL is run again by another
worker once its lease runs out.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from noko.backup import DbTarget

ROOT = Path(__file__).resolve().parents[2]
JOBS = 300

pytestmark = pytest.mark.slow


@pytest.fixture
def queue_db(db):
    current = DbTarget.from_settings(connection.settings_dict)
    if current.engine != "postgresql":
        pytest.skip("workers on several hosts share a PostgreSQL queue; run with DATABASE_URL=postgres://…")
    from psycopg import sql

    name = f"{current.name}_workers_{uuid.uuid4().hex[:6]}"
    target = DbTarget(
        "postgresql", name, user=current.user, password=current.password, host=current.host, port=current.port
    )
    admin = current.pg_connect(dbname="postgres", autocommit=True)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    auth = f"{target.user}:{target.password}@" if target.password else f"{target.user}@"
    url = f"postgres://{auth}{target.host or '127.0.0.1'}:{target.port or 5432}/{name}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "TEST_DATABASE_NAME")}
    env.update(NOKO_TESTING="1", NOKO_TASKS_IMMEDIATE="0", DATABASE_URL=url, LOG_LEVEL="WARNING", JOB_LEASE_SECONDS="2")
    _manage(env, "migrate", "-v0")
    try:
        yield target, env
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


def _manage(env, *args, timeout=300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _start_worker(env, worker_id: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2", "--no-reload", "--no-startup-delay",
         "--worker-id", worker_id, "-v0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _stop(processes) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
    for process in processes:
        process.wait(timeout=30)


def _wait_until(predicate, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(message)


def test_three_workers_run_every_job_exactly_once(queue_db):
    target, env = queue_db
    _manage(env, "queue_probe", "--count", str(JOBS), "--sleep", "0.05")
    conn = target.pg_connect(autocommit=True)
    workers = [_start_worker(env, f"w{i}") for i in range(3)]
    try:
        started = time.monotonic()

        def finished():
            (left,) = conn.execute("SELECT count(*) FROM jobs_job WHERE status IN ('queued', 'running')").fetchone()
            return left == 0

        _wait_until(finished, 240, "the workers did not drain the queue in 240 s")
        elapsed = time.monotonic() - started
    finally:
        _stop(workers)

    jobs = conn.execute("SELECT status, progress_done, progress_total, result FROM jobs_job").fetchall()
    assert len(jobs) == JOBS
    assert {status for status, *_ in jobs} == {"done"}
    # progress_done is incremented by each run of the job body: 1 everywhere means exactly once
    assert [(done, total) for _, done, total, _ in jobs] == [(1, 1)] * JOBS
    pids = {result["pid"] for *_, result in jobs}
    tasks = conn.execute("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult").fetchall()
    assert len(tasks) == JOBS
    assert {status for status, _ in tasks} == {"SUCCESSFUL"}
    assert all(len(worker_ids) == 1 for _, worker_ids in tasks)
    per_worker = {}
    for _, (worker_id,) in tasks:
        per_worker[worker_id] = per_worker.get(worker_id, 0) + 1
    assert set(per_worker) == {"w0", "w1", "w2"}, per_worker
    assert len(pids) == 3
    assert min(per_worker.values()) >= JOBS // 10, per_worker  # no worker sat idle
    conn.close()
    print(f"\n{JOBS} jobs on 3 workers in {elapsed:.1f} s: {per_worker}")


def test_sigterm_lets_the_running_job_finish(queue_db):
    target, env = queue_db
    _manage(env, "queue_probe", "--count", "1", "--sleep", "3")
    conn = target.pg_connect(autocommit=True)
    worker = _start_worker(env, "graceful")
    try:
        _wait_until(
            lambda: conn.execute("SELECT status = 'running' FROM jobs_job").fetchone()[0],
            60,
            "the probe job did not start",
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        _stop([worker])
    status, done, result = conn.execute("SELECT status, progress_done, result FROM jobs_job").fetchone()
    assert (status, done, result["pid"]) == ("done", 1, worker.pid)
    (task_status,) = conn.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchone()
    assert task_status == "SUCCESSFUL"
    conn.close()


def test_the_job_of_a_killed_worker_is_run_again_by_another(queue_db):
    target, env = queue_db
    _manage(env, "queue_probe", "--count", "1", "--sleep", "4")
    conn = target.pg_connect(autocommit=True)
    victim = _start_worker(env, "victim")
    workers = [victim]
    try:
        _wait_until(
            lambda: conn.execute("SELECT status = 'running' FROM jobs_job").fetchone()[0],
            60,
            "the long probe job did not start",
        )
        victim.kill()  # SIGKILL: no chance to finish or to say anything
        victim.wait(timeout=30)
        _manage(env, "queue_probe", "--count", "20", "--sleep", "0.05")
        workers += [_start_worker(env, "survivor-1"), _start_worker(env, "survivor-2")]

        def finished():
            (left,) = conn.execute("SELECT count(*) FROM jobs_job WHERE status IN ('queued', 'running')").fetchone()
            return left == 0

        _wait_until(finished, 120, "the killed worker's job was not run again within 120 s")
    finally:
        _stop(workers)

    rows = conn.execute(
        "SELECT id, status, attempts, worker_id, progress_done, progress_total, result, task_id FROM jobs_job "
        "ORDER BY id"
    ).fetchall()
    assert len(rows) == 21 and {row[1] for row in rows} == {"done"}
    long_job, *probes = rows
    _, _, attempts, worker_id, done, total, result, task_id = long_job
    assert attempts == 2 and worker_id in ("survivor-1", "survivor-2")
    assert (done, total) == (1, 1)  # progress restarted from zero, not counted twice
    assert result["pid"] != victim.pid
    assert all(row[2] == 1 and (row[4], row[5]) == (1, 1) for row in probes)  # the others ran exactly once
    tasks = conn.execute(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at"
    ).fetchall()
    assert tasks[0] == ("FAILED", ["victim"])  # the orphaned task is closed, not left running
    assert [status for status, _ in tasks[1:]].count("SUCCESSFUL") == 21
    (current,) = conn.execute(
        "SELECT status FROM django_tasks_database_dbtaskresult WHERE id::text = %s", [task_id]
    ).fetchone()
    assert current == "SUCCESSFUL"
    conn.close()
