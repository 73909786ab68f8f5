"""``make bench``: build a large demo region in a scratch database and print speed and memory figures.

Every module ``bench/<name>.py`` with a ``run(ctx)`` function is a benchmark; it receives the
built region and prints its own figures with ``bench.report``. Choose modules with
``python -m bench registry scoring``; size with ``BENCH_SIZE`` (default 2000 organizations).
Uses ``DATABASE_URL`` when set (PostgreSQL), otherwise a scratch SQLite file under var/. The scratch
database is ``BENCH_DATABASE`` (default ``noko_bench``; the SQLite file ``var/<name>.sqlite3``): give two
runs at once different names.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    base = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(base))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noko.settings")
    os.environ.setdefault("NOKO_TESTING", "1")
    name = os.environ.get("BENCH_DATABASE", "noko_bench")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"BENCH_DATABASE={name!r}: letters, digits and _ only")
    scratch = base / "var" / f"{name}.sqlite3"
    if not os.environ.get("DATABASE_URL"):
        scratch.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    else:
        os.environ["DATABASE_URL"] = _scratch_postgres(os.environ["DATABASE_URL"], name)

    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.core.management import call_command

    from bench import report
    from demo.region import build_demo

    size = int(os.environ.get("BENCH_SIZE", "2000"))
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ctx = build_demo(seed=2026, size=size)
    report.figure("demo", "build region", time.perf_counter() - started, "s", f"{len(ctx.organizations)} organizations")
    report.figure("demo", "peak memory after build", report.peak_rss_mb(), "MB")

    wanted = set(argv)
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name != "report")
    for name in names:
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(f"bench.{name}")
        if hasattr(module, "run"):
            module.run(ctx)
    report.print_table()
    return 0


def _scratch_postgres(url: str, name: str) -> str:
    """Benchmarks never touch the configured database: they use a fresh NAME next to it."""
    import psycopg

    admin_url, _sep, _name = url.rpartition("/")
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{admin_url}/{name}"


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
