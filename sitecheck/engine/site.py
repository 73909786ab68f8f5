"""One site: find «Сведения об образовательной организации», fetch its subsections, analyse.

``crawl_site`` (async, any fetcher with ``fetch(url)``) finds pages the way a person would:
the home page, the section hub (a link to ``/sveden/``, ``sveden.html`` or the link text), the
subsection links on the hub, the home page and the subsection pages (their own menus), and
only then the standard addresses ``/sveden/<name>/`` and ``/sveden/<name>.html``. It follows
``<meta http-equiv=refresh>``, ``itemprop="addRef"`` pages, and links to the FAQ / appeal pages.

``analyze_site`` is pure: pages in, findings out (sections, site structure, remote channels
for 1.2, the version for the visually impaired for 3.2, the questionnaire link).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from sitecheck.engine.analysis import Finding, SectionResult, check_section, resolve_also_in, summarize
from sitecheck.engine.fetch import FetchResult
from sitecheck.engine.page import ParsedPage, decode, parse_page, same_site
from sitecheck.engine.rulebook import RuleBook

_EXT = re.compile(r"\.(html?|php\d?|shtml|aspx?|jsp)$", re.IGNORECASE)
FULL_SIGNAL_ROLES = {"home", "hub", "channel"}
MAX_META_REFRESH = 3


@dataclass
class FetchedPage:
    role: str  # home / hub / section / addref / channel
    url: str
    final_url: str = ""
    status: int = 0
    error: str = ""
    content_type: str = ""
    encoding: str = ""
    sha256: str = ""
    size: int = 0
    truncated: bool = False
    blocked: bool = False
    fatal: bool = False
    sections: list[str] = field(default_factory=list)
    redirects: list[str] = field(default_factory=list)
    gz: bytes = b""  # the fetched body, gzip-compressed (evidence)
    parsed: ParsedPage | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.parsed is not None and not self.error


@dataclass
class Candidate:
    url: str
    kind: int  # 0 = address (slug under /sveden/), 1 = link text
    priority: int  # 1 = hub, 2 = home, 3 = another subsection page
    count: int = 1


@dataclass
class SiteCrawl:
    start_url: str
    pages: list[FetchedPage] = field(default_factory=list)
    error: str = ""
    home: FetchedPage | None = None
    hub: FetchedPage | None = None
    sections: dict[str, list[FetchedPage]] = field(default_factory=dict)
    section_status: dict[str, str] = field(default_factory=dict)  # found / combined / guessed / missing / error
    section_errors: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    elapsed: float = 0.0


@dataclass
class SiteReport:
    crawl: SiteCrawl
    results: dict[str, SectionResult]
    site_findings: list[Finding]
    summary: dict[str, Any]

    @property
    def findings(self) -> list[Finding]:
        out = list(self.site_findings)
        for result in self.results.values():
            out.extend(result.findings)
        return out


# --- URL classification ------------------------------------------------------------------------
def url_slugs(url: str) -> list[str]:
    """Path segments with mirror suffixes (``index.html@set_template=…``), ``index.*`` and extensions removed."""
    path = unquote(urlsplit(url).path)
    segments = [s for s in path.split("/") if s]
    if segments:
        last = segments[-1].split("@", 1)[0]
        if last.lower().startswith("index.") or last.lower() in ("index", "default.aspx"):
            segments = segments[:-1]
        else:
            segments[-1] = _EXT.sub("", last)
    return segments


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def _keyword_match(text: str, keyword: str) -> bool:
    if not text:
        return False
    if " " in keyword:
        return keyword in text
    return text == keyword or text.startswith((keyword + " ", keyword + ".", keyword + ","))


def is_hub_url(url: str) -> bool:
    segments = url_slugs(url)
    return bool(segments) and segments[-1].lower() == "sveden"


def classify(url: str, text: str, rulebook: RuleBook, *, in_section: bool) -> list[tuple[str, int]]:
    """Sections a link leads to: [(section code, kind)], kind 0 by address, 1 by link text."""
    segments = [s.lower() for s in url_slugs(url)]
    found: dict[str, int] = {}
    if len(segments) >= 2 and "sveden" in segments[:-1]:
        slug = segments[-1]
        for code, section in rulebook.sections.items():
            if slug in section.slugs:
                found[code] = 0
    norm = _norm(text)
    under_sveden = "sveden" in segments
    for code, section in rulebook.sections.items():
        if code in found:
            continue
        for keyword in section.keywords:
            if " " not in keyword and not (in_section or under_sveden):
                continue
            if _keyword_match(norm, keyword):
                found[code] = 1
                break
    return list(found.items())


def _is_standard(url: str, code: str) -> bool:
    path = urlsplit(url).path.rstrip("/")
    return path == f"/sveden/{code}"


# --- crawling ----------------------------------------------------------------------------------
async def fetch_page(
    fetcher, url: str, role: str, rulebook: RuleBook, *, full_signals: bool | None = None
) -> FetchedPage:
    page = FetchedPage(role=role, url=url)
    target = url
    for _hop in range(MAX_META_REFRESH + 1):
        result: FetchResult = await fetcher.fetch(target)
        _fill(page, result)
        if not result.ok or not result.is_html:
            if result.ok and not result.is_html:
                page.error = f"{target}: не HTML-страница ({result.content_type})"
            return page
        text, encoding = decode(result.body, result.content_type)
        page.encoding = encoding
        full = role in FULL_SIGNAL_ROLES if full_signals is None else full_signals
        parsed = parse_page(result.final_url or target, text, rulebook, encoding=encoding, signals=full)
        refresh = parsed.refresh_to
        if refresh and refresh.rstrip("/") != (result.final_url or target).rstrip("/") and _hop < MAX_META_REFRESH:
            page.redirects.append(f"meta refresh → {refresh}")
            target = refresh
            continue
        page.parsed = parsed
        return page
    return page


def _fill(page: FetchedPage, result: FetchResult) -> None:
    page.final_url = result.final_url or result.url
    page.status = result.status
    page.error = result.error
    page.content_type = result.content_type
    page.truncated = result.truncated
    page.blocked = result.blocked
    page.fatal = result.fatal
    page.elapsed += result.elapsed
    page.redirects.extend(result.redirects)
    if result.body:
        page.sha256 = hashlib.sha256(result.body).hexdigest()
        page.size = len(result.body)
        page.gz = gzip.compress(result.body, compresslevel=5)
    if result.truncated:
        page.error = ""


def _harvest(
    page: FetchedPage, rulebook: RuleBook, site_url: str, priority: int, into: dict[str, dict[str, Candidate]]
):
    if page.parsed is None:
        return
    in_section = priority in (1, 3)
    for link in page.parsed.signals.links:
        if link.placeholder or not link.url or not same_site(link.url, site_url):
            continue
        for code, kind in classify(link.url, link.text, rulebook, in_section=in_section):
            bucket = into.setdefault(code, {})
            current = bucket.get(link.url)
            if current is None:
                bucket[link.url] = Candidate(link.url, kind, priority)
            else:
                current.count += 1
                if (kind, priority) < (current.kind, current.priority):
                    current.kind, current.priority = kind, priority


def _best(candidates: dict[str, Candidate]) -> Candidate | None:
    if not candidates:
        return None
    return min(candidates.values(), key=lambda c: (c.kind, c.priority, -c.count, len(c.url)))


def _hub_links(page: FetchedPage, rulebook: RuleBook) -> list[str]:
    if page.parsed is None:
        return []
    keywords = [_norm(k) for k in rulebook.section_root.get("keywords", [])]
    by_url: list[tuple[int, int, str]] = []
    for index, link in enumerate(page.parsed.signals.links):
        if link.placeholder or not link.url or not same_site(link.url, page.final_url or page.url):
            continue
        if is_hub_url(link.url):
            by_url.append((0, index, link.url))
        elif any(_keyword_match(link.text, k) for k in keywords):
            by_url.append((1, index, link.url))
    seen: list[str] = []
    for _rank, _index, url in sorted(by_url):
        if url not in seen:
            seen.append(url)
    return seen


async def crawl_site(fetcher, start_url: str, rulebook: RuleBook) -> SiteCrawl:
    loop = asyncio.get_running_loop()
    started = loop.time()
    crawl = SiteCrawl(start_url=start_url)
    config = getattr(fetcher, "config", None)
    max_addref = getattr(config, "max_addref", 10)
    max_channel = getattr(config, "max_channel_pages", 4)
    fetched: dict[str, FetchedPage] = {}

    async def get(url: str, role: str, *, keep_failure: bool = True, full: bool | None = None) -> FetchedPage:
        """Fetch once per URL; a failed guess (keep_failure=False) is not kept as evidence."""
        key = url.rstrip("/")
        if key in fetched:
            return fetched[key]
        page = await fetch_page(fetcher, url, role, rulebook, full_signals=full)
        if page.ok or keep_failure:
            fetched[key] = page
            crawl.pages.append(page)
            if page.final_url:
                fetched.setdefault(page.final_url.rstrip("/"), page)
        return page

    home = await get(start_url, "home")
    crawl.home = home
    if home.fatal or home.blocked:
        crawl.error = home.error
        crawl.elapsed = loop.time() - started
        return crawl
    site_url = home.final_url or start_url
    root = f"{urlsplit(site_url).scheme}://{urlsplit(site_url).netloc}/"

    # the section hub
    hub_urls = _hub_links(home, rulebook)[:3]
    default_hub = urljoin(root, "sveden/")
    if default_hub.rstrip("/") not in [u.rstrip("/") for u in hub_urls]:
        hub_urls.append(default_hub)
    for url in hub_urls:
        page = await get(url, "hub", keep_failure=url != default_hub)
        if page.ok:
            crawl.hub = page
            break

    candidates: dict[str, dict[str, Candidate]] = {}
    if crawl.hub is not None:
        _harvest(crawl.hub, rulebook, site_url, 1, candidates)
    _harvest(home, rulebook, site_url, 2, candidates)

    codes = list(rulebook.sections)
    assigned: dict[str, str] = {}  # section → URL
    tried: set[str] = set()
    for _round in range(3):
        todo = {}
        for code in codes:
            if code in assigned:
                continue
            remaining = {u: c for u, c in candidates.get(code, {}).items() if u not in tried}
            best = _best(remaining)
            if best is not None:
                todo[code] = best.url
        if not todo:
            break
        urls = sorted(set(todo.values()))
        contacts = {todo.get("common")}
        pages = await asyncio.gather(*(get(url, "section", full=url in contacts or None) for url in urls))
        by_url = dict(zip(urls, pages, strict=True))
        tried.update(urls)
        for code, url in todo.items():
            page = by_url[url]
            if page.ok:
                assigned[code] = url
            else:
                crawl.section_errors[code] = page.error
        for page in pages:
            if page.ok:
                _harvest(page, rulebook, site_url, 3, candidates)

    # standard addresses for what is still missing
    # (only without a hub: a hub lists what the site has, and guessing costs the site requests)
    missing = [c for c in codes if c not in assigned]
    sveden_known = bool(assigned) or not home.ok
    if missing and crawl.hub is None and sveden_known:
        base = urljoin(root, "sveden/")

        async def guess(code: str) -> tuple[str, str | None]:
            variants = [f"{base}{code}/", f"{base}{code}.html"]
            if code.lower() != code:
                variants += [f"{base}{code.lower()}/", f"{base}{code.lower()}.html"]
            for url in variants:
                if url in tried:
                    continue
                page = await get(url, "section", keep_failure=False, full=code == "common" or None)
                if page.ok:
                    return code, url
            return code, None

        for code, url in await asyncio.gather(*(guess(c) for c in missing)):
            if url:
                assigned[code] = url
                crawl.section_status[code] = "guessed"
                crawl.section_errors.pop(code, None)

    # sections sharing a page, statuses
    owners: dict[str, list[str]] = {}
    for code, url in assigned.items():
        owners.setdefault(fetched[url.rstrip("/")].final_url or url, []).append(code)
    for _url, sections in owners.items():
        primary = _primary(sections, candidates, assigned)
        for code in sections:
            if code not in crawl.section_status:
                crawl.section_status[code] = "found" if code == primary else "combined"
    for code in codes:
        if code in assigned:
            page = fetched[assigned[code].rstrip("/")]
            page.sections.append(code)
            crawl.sections[code] = [page]
        else:
            crawl.section_status[code] = "error" if code in crawl.section_errors else "missing"

    # addRef pages of each subsection
    extra_jobs = []
    for code, pages in crawl.sections.items():
        refs = [u for u in dict.fromkeys(pages[0].parsed.addrefs) if same_site(u, site_url)][:max_addref]
        for url in refs:
            extra_jobs.append((code, url))
    if extra_jobs:
        extra = await asyncio.gather(*(get(url, "addref") for _code, url in extra_jobs))
        for (code, _url), page in zip(extra_jobs, extra, strict=True):
            if page.ok and page not in crawl.sections[code]:
                page.sections.append(code)
                crawl.sections[code].append(page)

    # pages behind the FAQ / appeal links (to see that they work)
    channel_urls = _channel_links(crawl, rulebook, site_url)[:max_channel]
    if channel_urls:
        await asyncio.gather(*(get(url, "channel") for url in channel_urls))

    crawl.requests = getattr(fetcher, "requests", 0)
    crawl.elapsed = loop.time() - started
    return crawl


def _primary(sections: list[str], candidates: dict[str, dict[str, Candidate]], assigned: dict[str, str]) -> str:
    def key(code: str):
        cand = candidates.get(code, {}).get(assigned[code])
        return (cand.kind if cand else 2, cand.priority if cand else 9)

    return min(sections, key=key)


def _signal_pages(crawl: SiteCrawl) -> list[FetchedPage]:
    pages = [p for p in crawl.pages if p.ok and p.role in ("home", "hub", "channel")]
    pages += [p for p in crawl.sections.get("common", []) if p.ok]
    return pages


def _channel_links(crawl: SiteCrawl, rulebook: RuleBook, site_url: str) -> list[str]:
    site = rulebook.site
    words = [_norm(w) for w in site.get("faq_text", []) + site.get("eform_text", [])]
    urls: list[str] = []
    for page in _signal_pages(crawl):
        for link in page.parsed.signals.links:
            if link.placeholder or not link.url or not same_site(link.url, site_url):
                continue
            if any(w in link.text for w in words) and link.url not in urls:
                urls.append(link.url)
    return urls


# --- analysis ----------------------------------------------------------------------------------
def analyze_site(
    rulebook: RuleBook,
    crawl: SiteCrawl,
    *,
    org_type: str | None,
    as_of: dt.date,
    tolerant: bool = False,
    questionnaire_patterns: tuple[str, ...] = (),
) -> SiteReport:
    results: dict[str, SectionResult] = {}
    pages_by_section: dict[str, list[ParsedPage]] = {}
    for code, section in rulebook.sections.items():
        pages = [p for p in crawl.sections.get(code, []) if p.parsed is not None]
        parsed = [p.parsed for p in pages]
        pages_by_section[code] = parsed
        status = crawl.section_status.get(code, "missing")
        if crawl.error:
            status = "error"
        result = check_section(
            rulebook,
            section,
            parsed,
            org_type=org_type,
            as_of=as_of,
            tolerant=tolerant,
            page_status=status,
            urls=[p.final_url or p.url for p in pages],
            error=crawl.section_errors.get(code, crawl.error if crawl.error else ""),
        )
        results[code] = result
        if pages and status == "found" and not _is_standard(pages[0].final_url or pages[0].url, code):
            result.findings.append(
                Finding(
                    section=code,
                    code=f"{code}.address",
                    kind="warning",
                    status="address",
                    label="Нестандартный адрес страницы",
                    message=(
                        f"Подраздел размещён по адресу {pages[0].final_url or pages[0].url}; "
                        f"рекомендуемый адрес — {section.path} (МР 9.0.0, табл. 3.1)."
                    ),
                    basis="МР 9.0.0, табл. 3.1",
                    url=pages[0].final_url or pages[0].url,
                )
            )
        if status in ("combined", "guessed", "missing", "error") and result.applies:
            message = {
                "combined": (
                    "Подраздел не выделен в отдельную страницу: сведения размещены на странице другого подраздела."
                ),
                "guessed": "Страница найдена по стандартному адресу, но ссылки на неё в разделе нет.",
                "missing": (
                    f"Страница подраздела не найдена. Создайте страницу {section.path}/ со ссылкой "
                    "из раздела «Сведения об образовательной организации»."
                ),
                "error": f"Страница подраздела недоступна: {result.error}",
            }[status]
            result.findings.append(
                Finding(
                    section=code,
                    code=f"{code}.page",
                    kind="warning",
                    status=f"page_{status}",
                    label="Страница подраздела",
                    message=message,
                    basis=section.basis,
                    url=result.urls[0] if result.urls else "",
                )
            )
    resolve_also_in(results, pages_by_section)
    site_findings, facts = site_signals(rulebook, crawl, questionnaire_patterns)
    summary = summarize(results)
    summary.update(facts)
    summary["sections"] = {code: r.page_status for code, r in results.items()}
    summary["pages"] = sum(1 for p in crawl.pages if p.parsed is not None)
    summary["bytes"] = sum(p.size for p in crawl.pages)
    summary["error"] = crawl.error
    return SiteReport(crawl=crawl, results=results, site_findings=site_findings, summary=summary)


def _contains(text: str, words: list[str]) -> str:
    for word in words:
        if _norm(word) in text:
            return word
    return ""


def site_signals(
    rulebook: RuleBook, crawl: SiteCrawl, questionnaire_patterns: tuple[str, ...] = ()
) -> tuple[list[Finding], dict[str, Any]]:
    site = rulebook.site
    pages = _signal_pages(crawl)
    all_pages = [p for p in crawl.pages if p.ok]
    findings: list[Finding] = []
    phone_re = re.compile(site.get("phone_pattern", r"\d{3}-\d{2}-\d{2}"))
    email_re = re.compile(site.get("email_pattern", r"\S+@\S+\.\w+"))
    home_url = crawl.home.final_url if crawl.home else crawl.start_url

    def found(code: str, how: str, value: str = "", url: str = "") -> dict[str, str]:
        return {"how": how, "value": value[:200], "url": url}

    channels: dict[str, dict[str, str] | None] = {c.code: None for c in rulebook.channels}
    broken: dict[str, str] = {}
    for page in pages:
        sig = page.parsed.signals
        url = page.final_url or page.url
        if channels.get("phone") is None:
            tel = next(
                (t for t in sig.tel_links if sum(ch.isdigit() for ch in t) >= 6 and not rulebook.is_placeholder(t)), ""
            )
            if tel:
                channels["phone"] = found("phone", "tel", tel, url)
            else:
                match = next(
                    (m.group(0) for m in phone_re.finditer(sig.text) if not rulebook.is_placeholder(m.group(0))), ""
                )
                if match:
                    channels["phone"] = found("phone", "text", match, url)
        if channels.get("email") is None:
            mail = next((m for m in sig.mailto_links if "@" in m), "")
            if mail:
                channels["email"] = found("email", "mailto", mail, url)
            else:
                match = email_re.search(sig.text)
                if match:
                    channels["email"] = found("email", "text", match.group(0), url)
        if channels.get("eform") is None:
            widget = next((s for s in sig.scripts if any(w in s for w in site.get("eform_scripts", []))), "")
            if widget:
                channels["eform"] = found("eform", "widget", widget[:120], url)
            elif sig.forms:
                channels["eform"] = found("eform", "form", f"{sig.forms}", url)
        if channels.get("faq") is None:
            for link in sig.links:
                if _contains(link.text, site.get("faq_text", [])):
                    if link.placeholder:
                        broken.setdefault("faq", link.raw)
                        continue
                    target = _fetched(crawl, link.url)
                    if target is None or target.ok:
                        channels["faq"] = found("faq", "link", link.text, link.url)
                        break
                    broken.setdefault("faq", f"{link.url}: {target.error}")
            if channels.get("faq") is None and page.role in ("home", "channel"):
                phrase = _contains(sig.text, site.get("faq_text", [])[:3])
                if phrase:
                    channels["faq"] = found("faq", "text", phrase, url)
        if channels.get("opinion") is None:
            for link in sig.links:
                host = (urlsplit(link.url).hostname or "").lower() if link.url else ""
                if link.url and any(host == h or host.endswith("." + h) for h in site.get("opinion_hosts", [])):
                    channels["opinion"] = found(
                        "opinion", "busgov" if link.source == "a" else "busgov_js", link.url, url
                    )
                    break
                if link.url and any(p and p in link.url for p in questionnaire_patterns):
                    channels["opinion"] = found("opinion", "questionnaire", link.url, url)
                    break
                if _contains(link.text, site.get("opinion_text", [])):
                    if link.placeholder:
                        broken.setdefault("opinion", f"«{link.text}» → {link.raw or '(пусто)'}")
                    else:
                        channels["opinion"] = found("opinion", "link", link.url, url)
                        break
    for code in ("eform",):
        if channels.get(code) is None:
            for page in pages:
                for link in page.parsed.signals.links:
                    if _contains(link.text, site.get("eform_text", [])) and not link.placeholder:
                        target = _fetched(crawl, link.url)
                        if target is not None and not target.ok:
                            broken.setdefault(code, f"{link.url}: {target.error}")
                        elif target is None and not same_site(link.url, home_url):
                            channels[code] = found(code, "external", link.url, page.final_url)

    for channel in rulebook.channels:
        hit = channels.get(channel.code)
        data = dict(hit) if hit else {}
        if not hit and channel.code in broken:
            data["broken"] = broken[channel.code]
        findings.append(
            Finding(
                section="",
                code=f"channel.{channel.code}",
                kind="channel",
                status="ok" if hit else ("broken" if channel.code in broken else "missing"),
                name=channel.code,
                required=True,
                placed=bool(hit),
                label=channel.label,
                basis=channel.basis,
                message="" if hit else _channel_advice(channel.code, broken.get(channel.code)),
                url=(hit or {}).get("url", ""),
                data=data,
            )
        )

    # version for the visually impaired
    bvi = None
    for page in all_pages:
        parsed = page.parsed
        if any(not i.hidden for i in parsed.items.get("copy", [])):
            bvi = found("bvi", "itemprop copy", "", page.final_url)
            break
    if bvi is None:
        for page in pages:
            sig = page.parsed.signals
            text_hit = next((lk.text for lk in sig.links if _contains(lk.text, site.get("bvi_text", []))), "")
            text_hit = text_hit or next((b for b in sig.buttons if _contains(b, site.get("bvi_text", []))), "")
            text_hit = text_hit or _contains(sig.text, site.get("bvi_text", []))
            script = next((s for s in sig.scripts if any(w in s for w in site.get("bvi_scripts", []))), "")
            href = next((lk.raw for lk in sig.links if any(w in lk.raw.lower() for w in site.get("bvi_hrefs", []))), "")
            if text_hit or script or href:
                bvi = found(
                    "bvi",
                    "text" if text_hit else ("script" if script else "link"),
                    text_hit or script or href,
                    page.final_url,
                )
                break
    findings.append(
        Finding(
            section="",
            code="site.bvi",
            kind="site",
            status="ok" if bvi else "missing",
            name="bvi",
            required=True,
            placed=bool(bvi),
            label=rulebook.bvi.label,
            basis=rulebook.bvi.basis,
            message=""
            if bvi
            else (
                "Разместите на всех страницах сайта ссылку или кнопку «Версия для слабовидящих» "
                "(альтернативная версия сайта для инвалидов по зрению)."
            ),
            url=(bvi or {}).get("url", ""),
            data=dict(bvi or {}),
        )
    )

    # the НОКО questionnaire (target indicator)
    questionnaire = None
    for page in pages:
        for link in page.parsed.signals.links:
            if link.placeholder or not link.url:
                continue
            if any(p and p in link.url for p in questionnaire_patterns) or (
                _contains(link.text, ["анкет"]) and _contains(link.text, ["качеств", "оценк", "мнени"])
            ):
                questionnaire = found("questionnaire", "link", link.url, page.final_url)
                break
        if questionnaire:
            break
    findings.append(
        Finding(
            section="",
            code="site.questionnaire",
            kind="site",
            status="ok" if questionnaire else "missing",
            name="questionnaire",
            required=True,
            placed=bool(questionnaire),
            label=rulebook.questionnaire.label,
            basis=rulebook.questionnaire.basis,
            message=""
            if questionnaire
            else (
                "Разместите на главной странице ссылку на анкету независимой оценки качества условий "
                "(или QR-код со ссылкой)."
            ),
            url=(questionnaire or {}).get("url", ""),
            data=dict(questionnaire or {}),
        )
    )

    # structure of the section (S1, S2) and the ministry links (S11)
    home = crawl.home if crawl.home and crawl.home.ok else None
    section_found = crawl.hub is not None or any(crawl.sections.values())
    linked = bool(home and (_hub_links(home, rulebook) or _links_into_sveden(home)))
    root_basis = rulebook.section_root.get("basis", "")
    findings.append(
        Finding(
            section="",
            code="site.section",
            kind="site",
            status="ok" if section_found else "missing",
            label="Раздел «Сведения об образовательной организации»",
            basis=root_basis,
            placed=section_found,
            message=""
            if section_found
            else "На сайте не найден раздел «Сведения об образовательной организации» (/sveden/).",
            url=crawl.hub.final_url if crawl.hub else "",
        )
    )
    findings.append(
        Finding(
            section="",
            code="site.section_link",
            kind="site",
            status="ok" if linked else "missing",
            label="Ссылка на раздел с главной страницы",
            basis=root_basis,
            placed=linked,
            message=""
            if linked
            else "Добавьте на главную страницу и в главное меню ссылку «Сведения об образовательной организации».",
            url=home.final_url if home else "",
        )
    )
    ministry_hits: dict[str, str] = {}
    for key, hosts in site.get("ministry_hosts", {}).items():
        for page in pages:
            hit = next(
                (
                    lk.url
                    for lk in page.parsed.signals.links
                    if lk.url
                    and any(((urlsplit(lk.url).hostname or "").lower().removeprefix("www.")).endswith(h) for h in hosts)
                ),
                "",
            )
            if hit:
                ministry_hits[key] = hit
                break
    labels = {"minobrnauki": "Минобрнауки России", "minprosvescheniya": "Минпросвещения России"}
    for key in site.get("ministry_hosts", {}):
        hit = ministry_hits.get(key, "")
        findings.append(
            Finding(
                section="",
                code=f"site.ministry.{key}",
                kind="site",
                status="ok" if hit else "missing",
                label=f"Ссылка на официальный сайт {labels.get(key, key)}",
                basis="ПП РФ № 1802, п. 17",
                placed=bool(hit),
                message="" if hit else f"Добавьте ссылку на официальный сайт {labels.get(key, key)}.",
                url=hit,
            )
        )
    if crawl.error:
        findings.insert(
            0,
            Finding(
                section="",
                code="site.unavailable",
                kind="site",
                status="error",
                label="Сайт недоступен",
                message=crawl.error,
                url=crawl.start_url,
            ),
        )
    elif crawl.home is not None and not crawl.home.ok:
        findings.insert(
            0,
            Finding(
                section="",
                code="site.home",
                kind="warning",
                status="error",
                label="Главная страница недоступна",
                message=crawl.home.error,
                url=crawl.start_url,
            ),
        )
    truncated = [p.final_url for p in crawl.pages if p.truncated]
    if truncated:
        findings.append(
            Finding(
                section="",
                code="site.truncated",
                kind="warning",
                status="truncated",
                label="Страница больше допустимого размера",
                message="Проверена только начальная часть страниц: " + ", ".join(truncated),
            )
        )
    facts = {
        "channels": {code: bool(v) for code, v in channels.items()},
        "channel_count": sum(1 for v in channels.values() if v),
        "channels_missing": [
            {"code": f"channel.{c.code}", "label": c.label, "legal_basis": c.basis}
            for c in rulebook.channels
            if not channels.get(c.code)
        ],
        "bvi": bool(bvi),
        "questionnaire": bool(questionnaire),
        "section_found": section_found,
        "section_linked": linked,
        "ministry": sorted(ministry_hits),
    }
    return findings, facts


def _links_into_sveden(page: FetchedPage) -> bool:
    return any(
        lk.url and not lk.placeholder and "sveden" in [s.lower() for s in url_slugs(lk.url)]
        for lk in page.parsed.signals.links
    )


def _fetched(crawl: SiteCrawl, url: str) -> FetchedPage | None:
    key = url.rstrip("/")
    for page in crawl.pages:
        if page.url.rstrip("/") == key or (page.final_url and page.final_url.rstrip("/") == key):
            return page
    return None


def _channel_advice(code: str, broken: str | None) -> str:
    advice = {
        "phone": "Укажите на сайте абонентский номер телефона (лучше ссылкой tel:).",
        "email": "Укажите адрес электронной почты (лучше ссылкой mailto:).",
        "eform": (
            "Разместите форму для подачи электронного обращения или виджет обратной связи Госуслуг (pos.gosuslugi.ru)."
        ),
        "faq": "Создайте раздел «Часто задаваемые вопросы» и поставьте на него ссылку с главной страницы.",
        "opinion": "Разместите ссылку на анкету оценки качества условий или на карточку организации на bus.gov.ru.",
    }.get(code, "")
    if broken:
        advice = f"Ссылка не работает ({broken}). " + advice
    return advice
