"""The HTTP stack the load benchmarks run against: gunicorn on loopback, 2 × cores sync workers.

The settings are the project's own plus what a load generator on one machine needs
(``bench.surveys_site.settings``: rate limits off, the client address taken from X-Forwarded-For).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def workers() -> int:
    return max(2, (os.cpu_count() or 1) * 2)


def start_gunicorn(port: int, log_name: str) -> subprocess.Popen:
    """Start gunicorn on 127.0.0.1:PORT against the configured database; wait until it accepts."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.surveys_site.settings",
        "DB_CONN_MAX_AGE": "60",
        "PYTHONPATH": str(BASE),
    }
    command = [
        sys.executable, "-m", "gunicorn", "noko.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers()), "--chdir", str(BASE), "--log-level", "warning",
    ]  # fmt: skip
    log = BASE / "var" / log_name
    log.parent.mkdir(exist_ok=True)
    with log.open("wb") as stderr:
        server = subprocess.Popen(command, env=env, cwd=BASE, stdout=subprocess.DEVNULL, stderr=stderr)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")[-2000:]) from None
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def quantile_ms(latencies: list[float], q: float) -> float:
    """The q-quantile (0 < q < 1) of latencies in seconds, in milliseconds (nearest rank)."""
    if not latencies:
        return 0.0
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000
