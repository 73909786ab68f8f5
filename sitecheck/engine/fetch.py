"""HTTP for the checker: aiohttp with timeouts, a size limit, redirects, retries, robots.txt
and a concurrency limit per host; every failure becomes a Russian message naming the URL.

``Fetcher`` is used as ``async with Fetcher(config) as fetcher: await fetcher.fetch(url)``.
One fetcher serves a whole mass run, so robots.txt is read once per host and the per-host
limit holds across sites that share a host. ``MemoryFetcher`` serves pages from a dict with
the same interface (the demo data and unit tests use it; no network).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from protego import Protego

DEFAULT_USER_AGENT = "NOKO-sitecheck/1.0 (+independent quality assessment; robots.txt respected)"
HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")


@dataclass
class FetchConfig:
    timeout: float = 20.0  # whole request, seconds
    connect_timeout: float = 8.0
    read_timeout: float = 15.0  # silence between two reads
    max_bytes: int = 8 * 1024 * 1024
    max_redirects: int = 6
    per_host: int = 2
    concurrency: int = 16
    retries: int = 1
    retry_backoff: float = 0.5
    user_agent: str = DEFAULT_USER_AGENT
    respect_robots: bool = True
    robots_timeout: float = 5.0
    site_timeout: float = 180.0  # one site, all its pages
    max_addref: int = 10
    max_channel_pages: int = 4
    verify_ssl: bool = True
    resolver: AbstractResolver | None = None


@dataclass
class FetchResult:
    url: str
    final_url: str = ""
    status: int = 0
    content_type: str = ""
    body: bytes = b""
    error: str = ""
    truncated: bool = False
    blocked: bool = False  # robots.txt said no
    fatal: bool = False  # no HTTP answer at all (DNS, connection, timeout)
    elapsed: float = 0.0
    redirects: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and 200 <= self.status < 300

    @property
    def is_html(self) -> bool:
        ctype = self.content_type.lower()
        return not ctype or ctype.startswith(HTML_TYPES)


class LoopbackResolver(AbstractResolver):
    """Resolve every host name to 127.0.0.1: virtual hosts served by one local test server."""

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET):
        return [
            {
                "hostname": host,
                "host": "127.0.0.1",
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Fetcher:
    def __init__(self, config: FetchConfig | None = None) -> None:
        self.config = config or FetchConfig()
        self._session: aiohttp.ClientSession | None = None
        self._host_limits: dict[str, asyncio.Semaphore] = {}
        self._robots: dict[str, asyncio.Future] = {}
        self.requests = 0
        self.bytes = 0

    async def __aenter__(self) -> Fetcher:
        cfg = self.config
        connector = aiohttp.TCPConnector(
            limit=cfg.concurrency,
            limit_per_host=cfg.per_host,
            resolver=cfg.resolver,
            ttl_dns_cache=300,
            ssl=None if cfg.verify_ssl else False,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=cfg.timeout, connect=cfg.connect_timeout, sock_read=cfg.read_timeout),
            headers={
                "User-Agent": cfg.user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                "Accept-Language": "ru,en;q=0.5",
            },
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=True,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _limit(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).netloc.lower()
        sem = self._host_limits.get(host)
        if sem is None:
            sem = self._host_limits[host] = asyncio.Semaphore(self.config.per_host)
        return sem

    async def _robots_for(self, url: str) -> tuple[Protego | None, FetchResult | None]:
        origin = _origin(url)
        future = self._robots.get(origin)
        if future is None:
            future = self._robots[origin] = asyncio.ensure_future(self._load_robots(origin))
        return await future

    async def allowed(self, url: str) -> bool:
        if not self.config.respect_robots:
            return True
        parser, _dead = await self._robots_for(url)
        return parser is None or parser.can_fetch(url, self.config.user_agent)

    async def _load_robots(self, origin: str) -> tuple[Protego | None, FetchResult | None]:
        robots_url = f"{origin}/robots.txt"
        result = await self._get(robots_url, timeout=min(self.config.robots_timeout, self.config.timeout), retries=0)
        if result.fatal:
            return None, result  # the host does not answer at all
        if not result.ok or not result.body:
            return None, None  # no robots.txt (or unreadable): everything is allowed
        try:
            return Protego.parse(result.body.decode("utf-8", errors="replace")), None
        except Exception:  # a broken robots.txt must not stop the check
            return None, None

    async def fetch(self, url: str) -> FetchResult:
        if self.config.respect_robots:
            parser, dead = await self._robots_for(url)
            if dead is not None:
                # the host did not answer for robots.txt: report it for the page asked for
                return FetchResult(
                    url=url,
                    error=dead.error.replace(f"{_origin(url)}/robots.txt", url),
                    fatal=True,
                    elapsed=dead.elapsed,
                )
            if parser is not None and not parser.can_fetch(url, self.config.user_agent):
                return FetchResult(url=url, error=f"Загрузка {url} запрещена правилами robots.txt сайта", blocked=True)
        return await self._get(url)

    async def _get(self, url: str, *, timeout: float | None = None, retries: int | None = None) -> FetchResult:
        cfg = self.config
        assert self._session is not None, "use Fetcher as an async context manager"
        attempts = (cfg.retries if retries is None else retries) + 1
        result = FetchResult(url=url)
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(cfg.retry_backoff * attempt)
            result = await self._attempt(url, timeout)
            retryable = result.fatal or result.status >= 500
            if not retryable or result.blocked:
                break
        return result

    async def _attempt(self, url: str, timeout: float | None) -> FetchResult:
        cfg = self.config
        seconds = timeout or cfg.timeout
        result = FetchResult(url=url)
        started = time.monotonic()
        kwargs = {}
        if timeout is not None:
            kwargs["timeout"] = aiohttp.ClientTimeout(total=timeout, connect=min(timeout, cfg.connect_timeout))
        try:
            async with (
                self._limit(url),
                self._session.get(  # type: ignore[union-attr]
                    url, allow_redirects=True, max_redirects=cfg.max_redirects, **kwargs
                ) as resp,
            ):
                self.requests += 1
                result.status = resp.status
                result.final_url = str(resp.url)
                result.redirects = [str(h.url) for h in resp.history]
                result.content_type = resp.headers.get("Content-Type", "")
                if result.status >= 400:
                    result.error = f"Страница {url} ответила HTTP {result.status}"
                elif result.is_html:
                    chunks = []
                    size = 0
                    async for chunk in resp.content.iter_chunked(65536):
                        size += len(chunk)
                        if size > cfg.max_bytes:
                            keep = cfg.max_bytes - (size - len(chunk))
                            chunks.append(chunk[:keep])
                            result.truncated = True
                            break
                        chunks.append(chunk)
                    result.body = b"".join(chunks)
                    self.bytes += len(result.body)
        except TimeoutError:
            result.fatal = True
            result.error = f"Сайт не ответил за {seconds:g} с: {url}"
        except aiohttp.TooManyRedirects:
            result.error = f"Слишком много перенаправлений (больше {cfg.max_redirects}): {url}"
        except aiohttp.ClientConnectorError as exc:
            result.fatal = True
            reason = exc.os_error.strerror if getattr(exc, "os_error", None) and exc.os_error.strerror else str(exc)
            result.error = f"Не удалось подключиться к {url}: {reason}"
        except aiohttp.ServerDisconnectedError:
            result.fatal = True
            result.error = f"Сервер разорвал соединение: {url}"
        except (aiohttp.ClientPayloadError, aiohttp.ClientResponseError) as exc:
            result.error = f"Ошибка при чтении ответа {url}: {exc}"
        except aiohttp.InvalidURL:
            result.error = f"Неверный адрес: {url}"
        except aiohttp.ClientError as exc:
            result.fatal = True
            result.error = f"Ошибка загрузки {url}: {exc.__class__.__name__} {exc}"
        except ValueError as exc:  # e.g. a malformed URL that yarl rejects
            result.error = f"Неверный адрес: {url} ({exc})"
        result.elapsed = time.monotonic() - started
        return result


class MemoryFetcher:
    """Serves pages from a dict {absolute URL: (status, content type, body)} — no network."""

    def __init__(self, pages: Mapping[str, tuple[int, str, bytes]]) -> None:
        self.pages = dict(pages)
        self.config = FetchConfig(retries=0)
        self.requests = 0
        self.bytes = 0

    async def __aenter__(self) -> MemoryFetcher:
        return self

    async def __aexit__(self, *exc) -> None:
        return None

    async def fetch(self, url: str) -> FetchResult:
        self.requests += 1
        candidates = [url]
        if url.endswith("/"):
            candidates.append(url + "index.html")
        else:
            candidates.append(url + "/")
        for candidate in candidates:
            if candidate in self.pages:
                status, ctype, body = self.pages[candidate]
                self.bytes += len(body)
                result = FetchResult(url=url, final_url=candidate, status=status, content_type=ctype, body=body)
                if status >= 400:
                    result.error = f"Страница {url} ответила HTTP {status}"
                return result
        return FetchResult(url=url, final_url=url, status=404, error=f"Страница {url} ответила HTTP 404")
