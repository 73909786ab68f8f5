"""A local web server for folders of saved sites, one virtual host per site (tests, benchmark).

Sites are addressed as ``http://<name>.test:<port>/``; ``LoopbackResolver`` sends every such name
to 127.0.0.1, so nothing leaves the machine. Files are looked up as a static host would:
``/x/`` → ``x/index.html``, a folder without the slash is redirected to it, and website-mirror
file names (``index.html@set_template=default.html``) fall back to the file without the suffix.
A site may also be a dict {path: bytes | (status, content type, bytes)} held in memory.
Special hosts: ``hang.test`` never answers, ``drip.test`` sends a byte every few seconds.
"""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path
from typing import Any

from aiohttp import web

HANG_HOST = "hang"
HITS = web.AppKey("hits", dict)
DRIP_HOST = "drip"


def _host_name(request: web.Request) -> str:
    host = (request.host or "").split(":", 1)[0].lower()
    return host.removesuffix(".test")


def make_app(sites: dict[str, Any], *, robots: dict[str, str] | None = None, charsets: dict[str, str] | None = None):
    robots = robots or {}
    charsets = charsets or {}
    app = web.Application()
    counter = {"hits": 0}
    app[HITS] = counter

    async def handler(request: web.Request) -> web.StreamResponse:
        counter["hits"] += 1
        name = _host_name(request)
        if name == HANG_HOST:
            await asyncio.sleep(3600)
        if name == DRIP_HOST:
            response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
            await response.prepare(request)
            for _ in range(3600):
                await response.write(b" ")
                await asyncio.sleep(2)
            return response
        site = sites.get(name)
        if site is None:
            return web.Response(status=404, text="unknown host")
        path = request.path
        if path == "/robots.txt":
            if name in robots:
                return web.Response(text=robots[name], content_type="text/plain")
            return web.Response(status=404, text="no robots")
        if isinstance(site, dict):
            return _from_memory(site, path)
        return _from_folder(Path(site), path, request, charsets.get(name))

    app.router.add_route("GET", "/{tail:.*}", handler)
    return app


def _from_memory(site: dict[str, Any], path: str) -> web.StreamResponse:
    keys = [path]
    if path.endswith("/"):
        keys.append(path + "index.html")
    else:
        keys.append(path + "/")
    for key in keys:
        if key in site:
            value = site[key]
            if isinstance(value, tuple):
                status, ctype, body = value
            else:
                status, ctype, body = 200, "text/html; charset=utf-8", value
            if status in (301, 302):
                raise web.HTTPFound(body.decode())
            return web.Response(status=status, body=body, headers={"Content-Type": ctype})
    if not path.endswith("/") and path + "/index.html" in site:
        raise web.HTTPMovedPermanently(path + "/")
    return web.Response(status=404, text="not found")


def _from_folder(root: Path, path: str, request: web.Request, charset: str | None) -> web.StreamResponse:
    relative = path.lstrip("/")
    target = (root / relative).resolve()
    if root.resolve() not in target.parents and target != root.resolve():
        return web.Response(status=404, text="not found")
    if target.is_dir():
        if not path.endswith("/"):
            raise web.HTTPMovedPermanently(path + "/")
        target = target / "index.html"
    if not target.exists() and "@" in target.name:
        target = target.with_name(target.name.split("@", 1)[0])
    if not target.is_file():
        return web.Response(status=404, text="not found")
    ctype = mimetypes.guess_type(target.name.split("@", 1)[0])[0] or "text/html"
    if ctype == "text/html":
        ctype = f"text/html; charset={charset}" if charset else "text/html"
    return web.Response(body=target.read_bytes(), headers={"Content-Type": ctype})


class LoopbackSites:
    """Run ``make_app`` on 127.0.0.1 (an ephemeral port) for the duration of an ``async with``."""

    def __init__(self, sites: dict[str, Any], **kwargs) -> None:
        self.app = make_app(sites, **kwargs)
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> LoopbackSites:
        self.runner = web.AppRunner(self.app, access_log=None, handler_cancellation=True)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def url(self, name: str, path: str = "/") -> str:
        return f"http://{name}.test:{self.port}{path}"

    @property
    def hits(self) -> int:
        return self.app[HITS]["hits"]


class ThreadedLoopback:
    """``LoopbackSites`` in a background thread, for synchronous callers (Django tests, benchmarks)."""

    def __init__(self, sites: dict[str, Any], **kwargs) -> None:
        self.sites = sites
        self.kwargs = kwargs
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = None
        self._server: LoopbackSites | None = None

    def __enter__(self) -> ThreadedLoopback:
        import threading

        ready = threading.Event()

        async def serve() -> None:
            self._stop = asyncio.Event()
            async with LoopbackSites(self.sites, **self.kwargs) as server:
                self._server = server
                self.port = server.port
                ready.set()
                await self._stop.wait()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(serve())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="loopback-sites", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("loopback server did not start")
        return self

    def __exit__(self, *exc) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def url(self, name: str, path: str = "/") -> str:
        return f"http://{name}.test:{self.port}{path}"

    @property
    def hits(self) -> int:
        return self._server.hits if self._server else 0
