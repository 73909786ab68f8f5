"""Site checker benchmark: one 2.5 MB page, and generated sites served on loopback.

``run(ctx)`` (called by ``python -m bench`` with the demo context; an int is taken as the number of
sites, otherwise ``SITECHECK_BENCH_SITES`` or 1,000) prints:
* parse + check time of one 2.5 MB «Педагогический состав» page (best of 5) and the peak memory
  of a process that does only that (targets: ≤ 100 ms, ≤ 200 MB);
* pages/s and sites/s of the whole checker (crawl, parse, analyse) over ``size`` generated sites
  (1,000 by default) served by a local aiohttp server — loopback only — with the peak memory.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
import time

from sitecheck.engine.analysis import check_section
from sitecheck.engine.fetch import FetchConfig, LoopbackResolver
from sitecheck.engine.page import decode, parse_page
from sitecheck.engine.rulebook import RuleBook
from sitecheck.engine.runner import iter_crawls
from sitecheck.engine.site import analyze_site
from sitecheck.loopback import ThreadedLoopback
from sitecheck.synthetic import generate_site

AS_OF = dt.date(2026, 3, 1)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def big_page(target_bytes: int = 2_500_000, rows: int = 700) -> bytes:
    """A real-looking large staff page: 700 teachers, long cells (courses, qualifications), 2.5 MB."""
    courses = "«Современные образовательные технологии в условиях реализации ФГОС», 72 ч., 2024; " * 4
    head = '<html><head><meta charset="utf-8"><title>Педагогический состав</title></head><body><table>'
    row = (
        '<tr itemprop="teachingStaff"><td itemprop="fio">Иванова Анна Сергеевна {n}</td><td itemprop="post">учитель'
        '</td><td itemprop="teachingDiscipline">Математика, информатика</td><td itemprop="teachingLevel">высшее, '
        'учитель математики и информатики</td><td itemprop="qualification">{courses}</td>'
        '<td itemprop="profDevelopment">{courses}</td><td itemprop="specExperience">12</td>'
        '<td itemprop="teachingOp"><a href="/sveden/education/#op1">ООП ООО</a></td><td>{pad}</td></tr>'
    )
    sample = row.format(n=0, courses=courses, pad="")
    unit = "Сведения о курсах повышения квалификации. "
    missing = max(0, (target_bytes - len(head.encode())) // rows - len(sample.encode()))
    pad = unit * (missing // len(unit.encode()) + 1)
    body = "".join(row.format(n=i, courses=courses, pad=pad) for i in range(rows))
    return (head + body + "</table></body></html>").encode()


def _measure_big_page(queue) -> None:
    book = RuleBook.from_file("1493-v1")
    body = big_page()
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        text, encoding = decode(body, "text/html; charset=utf-8")
        page = parse_page("http://bench.test/sveden/employees/", text, book, encoding=encoding, signals=False)
        result = check_section(book, book.sections["employees"], [page], org_type="SCH", as_of=AS_OF)
        best = min(best, time.perf_counter() - started)
    rows = next(f for f in result.rule_findings() if f.name == "teachingStaff").data["rows"]
    queue.put((len(body), rows, best, _rss_mb()))


def _figure(what: str, value: float, unit: str, note: str = "") -> None:
    try:
        from bench import report
    except ImportError:  # run on its own
        print(f"  sitecheck  {what:45} {value:12.2f} {unit:8} {note}")
        return
    report.figure("sitecheck", what, value, unit, note)


def run(ctx=None) -> dict:
    sites = ctx if isinstance(ctx, int) else int(os.environ.get("SITECHECK_BENCH_SITES", "1000"))
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_measure_big_page, args=(queue,))
    child.start()
    nbytes, rows, best, peak = queue.get()
    child.join()
    _figure("one 2.5 MB page: parse + check", best * 1000, "ms", f"{nbytes / 1e6:.1f} MB, {rows} staff rows; ≤ 100")
    _figure("one 2.5 MB page: peak RSS of the process", peak, "MB", "target ≤ 200")

    book = RuleBook.from_file("1493-v1")
    started = time.perf_counter()
    served = {}
    for index in range(sites):
        pages, _spec = generate_site(book, 10_000 + index, org_type=("DOU", "SCH", "SCH", "DO", "SPO")[index % 5])
        served[f"site{index}"] = pages
    generated = time.perf_counter() - started
    config = FetchConfig(
        resolver=LoopbackResolver(), concurrency=32, per_host=2, retries=0, timeout=30, site_timeout=120
    )
    pages_total = 0
    bytes_total = 0
    errors = 0
    with ThreadedLoopback(served) as server:
        items = [(name, server.url(name)) for name in served]
        started = time.perf_counter()
        for name, crawl in iter_crawls(items, book, config):
            report = analyze_site(book, crawl, org_type="SCH", as_of=AS_OF)
            pages_total += report.summary["pages"]
            bytes_total += report.summary["bytes"]
            errors += bool(crawl.error)
            _ = name
        elapsed = time.perf_counter() - started
    _figure(f"{sites} loopback sites: crawl + check", elapsed, "s", f"{pages_total} pages, {bytes_total / 1e6:.0f} MB")
    _figure("loopback sites: pages per second", pages_total / elapsed, "pages/s", f"errors {errors}")
    _figure("loopback sites: time per 1,000 sites", elapsed * 1000 / sites, "s", "target ≤ 300")
    _figure("loopback sites: peak RSS", _rss_mb(), "MB", f"site generation {generated:.1f} s not counted")
    return {
        "big_page_ms": round(best * 1000, 1),
        "big_page_peak_mb": round(peak),
        "sites": sites,
        "pages": pages_total,
        "pages_per_s": round(pages_total / elapsed, 1),
        "seconds": round(elapsed, 1),
    }


if __name__ == "__main__":
    run()
