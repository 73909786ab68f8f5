"""The queue probe: a harmless job that proves workers take work, and which worker took it.

``manage.py queue_probe --count 30 --wait 120`` enqueues probes and reports which hosts and
processes ran them and how long they waited; the scale-out test uses the same job.
"""

from __future__ import annotations

import os
import socket
import time

from jobs.services import advance, job_function, set_total

MAX_PROBE_SLEEP = 60.0


@job_function("noko.queue_probe")
def queue_probe(job, sleep: float = 0.0, **_ignored):
    set_total(job, 1)
    time.sleep(min(max(float(sleep), 0.0), MAX_PROBE_SLEEP))
    advance(job)
    return {"host": socket.gethostname(), "pid": os.getpid()}
