"""manage.py queue_probe — enqueue probe jobs and (with --wait) report which workers ran them."""

from __future__ import annotations

import statistics
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from jobs.models import Job
from jobs.services import enqueue


class Command(BaseCommand):
    help = "Поставить в очередь пробные задания и показать, какие обработчики их выполнили и как быстро."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10)
        parser.add_argument("--sleep", type=float, default=0.0, help="seconds each probe job works")
        parser.add_argument("--wait", type=float, default=0.0, help="wait up to this many seconds for the results")

    def handle(self, *args, count, sleep, wait, **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        jobs = [
            enqueue("noko.queue_probe", f"Проверка очереди {i + 1}/{count}", None, sleep=sleep) for i in range(count)
        ]
        ids = [job.pk for job in jobs]
        self.stdout.write(f"enqueued {count} probe jobs: {ids[0]}…{ids[-1]}")
        if wait <= 0:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not Job.objects.filter(pk__in=ids, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists():
                break
            time.sleep(0.5)
        done = list(Job.objects.filter(pk__in=ids, status=Job.Status.DONE))
        workers = Counter(f"{j.result.get('host')}:{j.result.get('pid')}" for j in done)
        waits = sorted((j.started_at - j.created_at).total_seconds() for j in done if j.started_at)
        self.stdout.write(f"done {len(done)}/{count}; workers: " + ", ".join(f"{w}×{n}" for w, n in workers.items()))
        if waits:
            p95 = waits[min(len(waits) - 1, int(0.95 * len(waits)))]
            self.stdout.write(f"queue wait: median {statistics.median(waits):.2f}s, p95 {p95:.2f}s")
        if len(done) < count:
            raise CommandError(f"{count - len(done)} probe jobs did not finish within {wait:g}s")
