"""manage.py worker — ``db_worker`` with a lease: the worker to run in production and in the demo.

Same options as django-tasks' ``db_worker``. Besides taking tasks from the database queue, a thread
of each worker renews, every quarter of JOB_LEASE_SECONDS, the lease of the job it is running
(``jobs.services.heartbeat``) and takes back the jobs of workers that stopped renewing theirs
(``jobs.services.reap_stale_jobs``): a worker killed with SIGKILL, or a host lost, leaves its job to be
run again by another worker instead of staying "running" for ever.
"""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings
from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from jobs import services

log = logging.getLogger(__name__)


class LeaseKeeper(threading.Thread):
    """Heartbeat for this worker's job and reaper for the jobs of lost workers, on its own connection."""

    def __init__(self, worker_id: str, interval: float):
        super().__init__(name=f"lease-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.stopped = threading.Event()

    def tick(self) -> None:
        try:
            services.heartbeat(self.worker_id)
            services.reap_stale_jobs()
        except Exception:  # a lost connection or a locked SQLite file: try again next tick
            log.exception("lease keeper of worker %s failed; retrying", self.worker_id)
        finally:
            connection.close()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.tick()

    def stop(self) -> None:
        self.stopped.set()


class Command(DbWorkerCommand):
    help = (
        "Обработчик фоновых заданий: очередь в базе данных, продление аренды и повтор заданий потерянных обработчиков."
    )

    def handle(self, *args, worker_id: str, **options):
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true" and not options.get("batch"):
            # the watching parent of --reload runs no task; its child process keeps the lease
            return super().handle(*args, worker_id=worker_id, **options)
        services.CURRENT_WORKER = worker_id
        keeper = LeaseKeeper(worker_id, max(0.5, settings.JOB_LEASE_SECONDS / 4))
        keeper.tick()  # take back what lost workers left before taking new work
        keeper.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            keeper.stop()
