"""Check many sites concurrently while the caller stays synchronous (Django ORM, jobs).

``iter_crawls(items, rulebook, config)`` runs one event loop in a worker thread with one shared
``Fetcher`` (robots.txt once per host, per-host limit across sites) and yields ``(key, SiteCrawl)``
as each site finishes, in completion order. One dead or hanging site ends with an error crawl
(the site timeout) and never stops the others. Closing the generator early (pause) cancels the
sites still in flight; the caller simply has not received them.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Hashable, Iterator, Sequence

from sitecheck.engine.fetch import FetchConfig, Fetcher
from sitecheck.engine.rulebook import RuleBook
from sitecheck.engine.site import SiteCrawl, crawl_site

_DONE = object()


async def crawl_one(fetcher, url: str, rulebook: RuleBook, site_timeout: float) -> SiteCrawl:
    try:
        return await asyncio.wait_for(crawl_site(fetcher, url, rulebook), site_timeout)
    except TimeoutError:
        return SiteCrawl(start_url=url, error=f"Проверка сайта {url} не завершилась за {site_timeout:g} с")
    except Exception as exc:  # a broken page must not stop a mass run
        return SiteCrawl(start_url=url, error=f"Ошибка проверки сайта {url}: {exc.__class__.__name__}: {exc}")


def check_sites(items: Sequence[tuple[Hashable, str]], rulebook: RuleBook, config: FetchConfig) -> dict:
    """All at once, for callers that want a dict {key: SiteCrawl}."""
    return dict(iter_crawls(items, rulebook, config))


def iter_crawls(
    items: Sequence[tuple[Hashable, str]], rulebook: RuleBook, config: FetchConfig, fetcher_factory=None
) -> Iterator[tuple[Hashable, SiteCrawl]]:
    results: queue.Queue = queue.Queue(maxsize=max(4, config.concurrency))
    stop = threading.Event()

    def put(item) -> None:
        while True:
            try:
                results.put(item, timeout=0.1)
                return
            except queue.Full:
                if stop.is_set():
                    return

    async def main() -> None:
        factory = fetcher_factory or (lambda: Fetcher(config))
        in_flight = asyncio.Semaphore(max(1, config.concurrency))
        loop = asyncio.get_running_loop()
        async with factory() as fetcher:

            async def one(key: Hashable, url: str) -> None:
                async with in_flight:
                    if stop.is_set():
                        return
                    crawl = await crawl_one(fetcher, url, rulebook, config.site_timeout)
                    await loop.run_in_executor(None, put, (key, crawl))

            tasks = [asyncio.ensure_future(one(key, url)) for key, url in items]
            pending = set(tasks)
            while pending:
                _done, pending = await asyncio.wait(pending, timeout=0.2)
                if stop.is_set():
                    for task in pending:
                        task.cancel()
                    await asyncio.gather(*pending, return_exceptions=True)
                    break

    def runner() -> None:
        try:
            asyncio.run(main())
        finally:
            results.put(_DONE)  # the consumer reads or drains until the thread ends

    thread = threading.Thread(target=runner, name="sitecheck-crawler", daemon=True)
    thread.start()
    try:
        while True:
            item = results.get()
            if item is _DONE:
                break
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            try:
                results.get(timeout=0.1)
            except queue.Empty:
                continue
        thread.join(timeout=5)
