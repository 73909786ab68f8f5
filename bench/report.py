"""Figures collected by the benchmarks and printed as one table."""

from __future__ import annotations

import resource
import time
from contextlib import contextmanager

_FIGURES: list[tuple[str, str, float, str, str]] = []


def figure(area: str, what: str, value: float, unit: str, note: str = "") -> None:
    _FIGURES.append((area, what, value, unit, note))
    print(f"  {area:10} {what:45} {value:12.2f} {unit:8} {note}", flush=True)


@contextmanager
def timed(area: str, what: str, count: int | None = None, unit: str = "items"):
    """Time a block; with COUNT also report the rate."""
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    figure(area, what, elapsed, "s")
    if count:
        figure(area, f"{what}: rate", count / elapsed if elapsed else 0.0, f"{unit}/s")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_table() -> None:
    print("\nНОКО benchmark figures")
    print(f"{'area':10} {'measure':45} {'value':>12} unit")
    for area, what, value, unit, note in _FIGURES:
        print(f"{area:10} {what:45} {value:12.2f} {unit:8} {note}")
