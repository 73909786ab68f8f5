"""One fetched page → what the checker needs from it, extracted once; the parse tree is then dropped.

* ``decode`` turns bytes into text with w3lib (HTTP header, BOM, ``<meta charset>``, then a guess),
  because Lexbor ignores ``<meta charset>`` when given bytes (windows-1251 sites are common).
* ``parse_page`` walks every ``itemprop`` element once: the names (space-separated, quotes and
  stray spaces stripped), whether the element is hidden (inside an element with inline
  ``display:none`` or the ``hidden`` attribute — HTML comments are not elements, so commented-out
  markup is simply absent), the content status (ok / empty / placeholder) and, for elements whose
  name is a parent in the rule book, the names found inside that element (per instance = per row).
* The same pass collects the site-level signals: links (also URLs opened from ``onclick``), forms,
  scripts, visible text for phones and e-mails, and a ``<meta http-equiv=refresh>`` target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser
from w3lib.encoding import html_to_unicode

from sitecheck.engine.rulebook import RuleBook

QUOTES = "\"'“”„«»‘’`"
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_JS_URL = re.compile(r"""(?:https?:)?//[^\s'"()<>]+|(?<=['"])/[^\s'"()<>]+(?=['"])""", re.IGNORECASE)
_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\"\s;]+)", re.IGNORECASE)
VALUE_SNIPPET = 160

OK = "ok"
EMPTY = "empty"
PLACEHOLDER = "placeholder"
_RANK = {OK: 2, PLACEHOLDER: 1, EMPTY: 0}


def better(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


def decode(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding) of an HTML body."""
    encoding, text = html_to_unicode(content_type, body)
    return text, encoding


def clean_names(raw: str | None) -> list[str]:
    """``itemprop`` value → names: split on spaces, strip typographic quotes; empty parts dropped."""
    if raw is None:
        return []
    names = []
    for part in raw.replace("\u00a0", " ").split():
        name = part.strip(QUOTES).strip()
        if name:
            names.append(name)
    return names


def norm_text(text: str) -> str:
    return " ".join(text.split())  # str.split() also splits on no-break spaces


@dataclass(slots=True)
class Instance:
    """One element carrying an itemprop name (read-only once the page is parsed: cells may share one)."""

    name: str
    hidden: bool
    status: str  # ok / empty / placeholder
    value: str  # the start of the content; of a parent element, only on the first visible one of its name
    typo: str = ""
    parents: frozenset[str] = frozenset()  # names of enclosing parent elements (for orphans)
    children: dict[str, str] | None = None  # for parent elements: child name → best content status


@dataclass
class Link:
    url: str  # absolute, fragment dropped
    text: str  # normalised, lower-case
    raw: str  # the href as written
    placeholder: bool = False
    source: str = "a"  # "a" or "js"


@dataclass
class PageSignals:
    links: list[Link] = field(default_factory=list)
    tel_links: list[str] = field(default_factory=list)
    mailto_links: list[str] = field(default_factory=list)
    forms: int = 0  # forms that look like an appeal / feedback form (not search)
    scripts: list[str] = field(default_factory=list)
    text: str = ""  # visible text, lower-case, normalised (only when signals were asked for)
    buttons: list[str] = field(default_factory=list)  # texts of buttons and elements with onclick


@dataclass
class ParsedPage:
    url: str
    encoding: str
    title: str
    items: dict[str, list[Instance]]
    empty_itemprops: int
    addrefs: list[str]
    signals: PageSignals
    refresh_to: str | None = None
    itemprop_count: int = 0

    def names(self, include_hidden: bool = False) -> set[str]:
        return {n for n, inst in self.items.items() if include_hidden or any(not i.hidden for i in inst)}


def _content_status(node, rulebook: RuleBook) -> tuple[str, str, str]:
    """(status, snippet, typo) of one itemprop element's value."""
    tag = node.tag
    attrs = node.attributes
    if tag == "meta":
        text = norm_text(attrs.get("content") or "")
        hrefs: list[str] = []
    else:
        raw = node.text(deep=True, separator=" ")
        # the start is enough: placeholders and typos are short, the snippet is 160 characters
        text = norm_text(raw[:400]) or norm_text(raw)
        hrefs = []
        if tag == "a" and "href" in attrs:
            hrefs.append((attrs.get("href") or "").strip())
        elif tag in ("img", "source", "embed", "iframe", "object"):
            hrefs.append((attrs.get("src") or attrs.get("data") or "").strip())
        elif not text or rulebook.is_placeholder(text):
            # links inside decide only an element without real text of its own (below: real text → ok)
            for link in node.css("a[href]"):
                hrefs.append((link.attributes.get("href") or "").strip())
    snippet = text[:VALUE_SNIPPET]
    lowered = text.lower()
    typo = next((t for t in rulebook.typos if t in lowered), "")
    real_hrefs = [h for h in hrefs if h.lower() not in rulebook.placeholder_hrefs and not rulebook.is_placeholder(h)]
    if hrefs and not real_hrefs and (not text or rulebook.is_placeholder(text) or tag == "a"):
        return PLACEHOLDER, snippet or (hrefs[0] if hrefs else ""), typo
    if text and rulebook.is_placeholder(text) and not real_hrefs:
        return PLACEHOLDER, snippet, typo
    if not text and not real_hrefs:
        return EMPTY, snippet, typo
    if not snippet and real_hrefs:
        snippet = real_hrefs[0][:VALUE_SNIPPET]
    return OK, snippet, typo


@dataclass(frozen=True, slots=True, eq=False)
class _Marking:
    """What one raw ``itemprop`` value means: worked out once per page for each distinct value; compared by identity."""

    names: tuple[str, ...]
    parents: tuple[str, ...]  # the names that are parents in the rule book
    top: bool  # a name is a top-level rule of some section
    is_global: bool  # a name is a global property (addRef)


def parse_page(
    url: str,
    text: str,
    rulebook: RuleBook,
    *,
    encoding: str = "utf-8",
    signals: bool = True,
    parent_names: frozenset[str] | None = None,
) -> ParsedPage:
    tree = LexborHTMLParser(text)
    if parent_names is None:
        parent_names = _parent_names(rulebook)
    top_names = _top_names(rulebook)
    global_props = rulebook.global_props

    hidden_ids: set[int] = set()
    for node in tree.css("[style]"):
        if _HIDDEN_STYLE.search(node.attributes.get("style") or ""):
            hidden_ids.update(x.mem_id for x in node.css("[itemprop]"))
    for node in tree.css("[hidden]"):
        hidden_ids.update(x.mem_id for x in node.css("[itemprop]"))

    # one pass over the itemprop elements; a raw attribute value is split and classified once
    markings: dict[str | None, _Marking | None] = {}
    marked: list[tuple[object, int, _Marking]] = []
    parent_nodes: list[tuple[object, int, _Marking]] = []
    marking_of: dict[int, _Marking] = {}
    empty = 0
    for node in tree.css("[itemprop]"):
        raw = node.attrs.get("itemprop")
        try:
            marking = markings[raw]
        except KeyError:
            marking = markings[raw] = _marking(raw, parent_names, top_names, global_props)
        if marking is None:
            empty += 1
            continue
        mem = node.mem_id
        entry = (node, mem, marking)
        marked.append(entry)
        marking_of[mem] = marking
        if marking.parents:
            parent_nodes.append(entry)

    status_cache: dict[int, tuple[str, str, str]] = {}

    def status_of(node, mem: int) -> tuple[str, str, str]:
        cached = status_cache.get(mem)
        if cached is None:
            cached = status_cache[mem] = _content_status(node, rulebook)
        return cached

    # Children of parent elements, per element (= per row). The content of a child matters only until
    # one good value was seen under the same parent name (union over rows); per-row completeness needs
    # the names alone. "Every (parent, child) pair already has a good value" only ever turns true, so
    # it is remembered per (parent names, child names) and a 700-row staff table costs a few lookups a cell.
    children_of: dict[int, dict[str, str]] = {}
    best_child: dict[tuple[str, str], str] = {}  # (parent, child) → best content status seen so far
    settled: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    enclosing: dict[int, frozenset[str]] = {}  # element → names of the parent elements around it
    parent_sets: dict[tuple[str, ...], frozenset[str]] = {}
    for node, own, marking in parent_nodes:
        own_parents = marking.parents
        own_set = parent_sets.get(own_parents)
        if own_set is None:
            own_set = parent_sets[own_parents] = frozenset(own_parents)
        done = settled.setdefault(own_parents, set())
        found: dict[str, str] = {}
        for desc in node.css("[itemprop]"):
            mem = desc.mem_id
            if mem == own or mem in hidden_ids:
                continue
            desc_marking = marking_of.get(mem)
            if desc_marking is None:
                continue
            desc_names = desc_marking.names
            if desc_names in done or _all_ok(best_child, own_parents, desc_names, done):
                for name in desc_names:
                    found[name] = OK
            else:
                status = status_of(desc, mem)[0]
                for p in own_parents:
                    for n in desc_names:
                        key = (p, n)
                        seen = best_child.get(key)
                        best_child[key] = status if seen is None else better(status, seen)
                for name in desc_names:
                    seen = found.get(name)
                    found[name] = status if seen is None else better(status, seen)
            around = enclosing.get(mem)
            enclosing[mem] = own_set if around is None or around is own_set else around | own_set
        children_of[own] = found

    items: dict[str, list[Instance]] = {}
    addrefs: list[str] = []
    base = _base_url(tree, url)
    no_parents: frozenset[str] = frozenset()
    # a child-only name inside a parent carries nothing of its own (its content was judged with the
    # parent's rows): identical instances are shared instead of made once per cell; instances are
    # never changed after this point
    shared: dict[tuple[_Marking, bool, frozenset[str]], list[tuple[Any, Instance]]] = {}
    valued: set[str] = set()  # parent names whose first visible element got its value
    for node, mem, marking in marked:
        hidden = mem in hidden_ids
        parents = enclosing.get(mem, no_parents)
        kids = children_of.get(mem)
        if kids is None and mem in enclosing and not marking.top:
            key = (marking, hidden, parents)
            group = shared.get(key)
            if group is None:
                group = shared[key] = [
                    (items.setdefault(name, []).append, Instance(name, hidden, OK, "", "", parents))
                    for name in marking.names
                ]
            for append, instance in group:
                append(instance)
        else:
            if kids is not None:
                # a row's text decides only the status of a row without children and the value shown
                # for the first visible element of its name (the report shows one); other rows skip it
                if not kids or (not hidden and not valued.issuperset(marking.names)):
                    own_text = norm_text(node.text(deep=True, separator=" ")[:400])
                    if not hidden:
                        valued.update(marking.names)
                else:
                    own_text = ""
                status = OK if kids or (own_text and not rulebook.is_placeholder(own_text)) else EMPTY
                snippet, typo = own_text[:VALUE_SNIPPET], ""
            else:
                status, snippet, typo = status_of(node, mem)
            for name in marking.names:
                items.setdefault(name, []).append(
                    Instance(
                        name=name,
                        hidden=hidden,
                        status=status,
                        value=snippet,
                        typo=typo,
                        parents=parents,
                        children=kids if name in parent_names else None,
                    )
                )
        if marking.is_global and not hidden:
            for name in marking.names:
                if name not in global_props:
                    continue
                href = node.attributes.get("href") if node.tag == "a" else None
                if href is None:
                    link = node.css_first("a[href]")
                    href = link.attributes.get("href") if link is not None else None
                if href and href.strip().lower() not in rulebook.placeholder_hrefs:
                    addrefs.append(_absolute(base, href))

    title_node = tree.css_first("title")
    title = norm_text(title_node.text()) if title_node is not None else ""
    page = ParsedPage(
        url=url,
        encoding=encoding,
        title=title[:300],
        items=items,
        empty_itemprops=empty,
        addrefs=addrefs,
        signals=_signals(tree, base, rulebook, full=signals),
        refresh_to=_refresh(tree, base),
        itemprop_count=len(marked),
    )
    return page


def _marking(raw: str | None, parent_names, top_names, global_props) -> _Marking | None:
    names = tuple(clean_names(raw))
    if not names:
        return None
    return _Marking(
        names=names,
        parents=tuple(n for n in names if n in parent_names),
        top=any(n in top_names for n in names),
        is_global=any(n in global_props for n in names),
    )


def _all_ok(best_child: dict, parents: tuple[str, ...], names: tuple[str, ...], done: set) -> bool:
    """Whether every (parent, child) pair already has a good value; remembered in ``done`` once true."""
    for p in parents:
        for n in names:
            if best_child.get((p, n)) != OK:
                return False
    done.add(names)
    return True


def _parent_names(rulebook: RuleBook) -> frozenset[str]:
    cached = getattr(rulebook, "_parent_names_cache", None)
    if cached is None:
        cached = frozenset(rule.name for sec in rulebook.sections.values() for rule in sec.props if rule.is_parent)
        rulebook._parent_names_cache = cached  # type: ignore[attr-defined]
    return cached


def _top_names(rulebook: RuleBook) -> frozenset[str]:
    cached = getattr(rulebook, "_top_names_cache", None)
    if cached is None:
        cached = frozenset(rule.name for sec in rulebook.sections.values() for rule in sec.props)
        rulebook._top_names_cache = cached  # type: ignore[attr-defined]
    return cached


def _base_url(tree, url: str) -> str:
    base = tree.css_first("base[href]")
    if base is not None:
        href = (base.attributes.get("href") or "").strip()
        if href:
            return urljoin(url, href)
    return url


def _absolute(base: str, href: str) -> str:
    href = href.strip().strip(QUOTES)
    joined = urljoin(base, href)
    return joined.split("#", 1)[0] if "#" in joined and not href.startswith("#") else joined


def _refresh(tree, base: str) -> str | None:
    for meta in tree.css("meta[http-equiv]"):
        if (meta.attributes.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        match = _REFRESH.search(meta.attributes.get("content") or "")
        if match:
            return _absolute(base, match.group(1))
    return None


def _is_placeholder_href(href: str, rulebook: RuleBook) -> bool:
    value = href.strip().strip(QUOTES).lower()
    return value in rulebook.placeholder_hrefs or value.startswith("#") or rulebook.is_placeholder(value)


def _signals(tree, base: str, rulebook: RuleBook, *, full: bool) -> PageSignals:
    sig = PageSignals()
    targets: dict[str, tuple[bool, str]] = {}  # href as written → (placeholder, absolute URL): menus repeat
    for a in tree.css("a[href], area[href]"):
        attrs = a.attributes
        raw = attrs.get("href") or ""
        lowered = raw.strip().lower()
        if lowered.startswith("tel:"):
            sig.tel_links.append(raw.strip()[4:])
            continue
        if lowered.startswith("mailto:"):
            sig.mailto_links.append(raw.strip()[7:])
            continue
        text = norm_text(a.text(deep=True, separator=" ")).lower().replace("ё", "е")
        if not text:
            text = norm_text(attrs.get("title") or attrs.get("aria-label") or "").lower()
        target = targets.get(raw)
        if target is None:
            placeholder = _is_placeholder_href(raw, rulebook) or lowered.startswith("javascript:")
            target = targets[raw] = (placeholder, "" if placeholder else _absolute(base, raw))
        placeholder, url = target
        sig.links.append(Link(url=url, text=text, raw=raw, placeholder=placeholder))
        onclick = attrs.get("onclick")
        if onclick:
            sig.links.extend(_js_links(base, onclick, text))
    if not full:
        return sig
    for node in tree.css("[onclick], button, [role=button]"):
        text = norm_text(node.text(deep=True, separator=" ")).lower().replace("ё", "е")
        if text:
            sig.buttons.append(text[:200])
        if node.tag != "a":
            onclick = node.attributes.get("onclick")
            if onclick:
                sig.links.extend(_js_links(base, onclick, text))
    for node in tree.css("[data-href], [data-url]"):
        value = node.attributes.get("data-href") or node.attributes.get("data-url") or ""
        if value and not _is_placeholder_href(value, rulebook):
            text = norm_text(node.text(deep=True, separator=" ")).lower()
            sig.links.append(Link(url=_absolute(base, value), text=text, raw=value, source="js"))
    for script in tree.css("script"):
        src = script.attributes.get("src")
        if src:
            sig.scripts.append(src.lower())
        else:
            body = script.text() or ""
            if "gosuslugi" in body or "bvi" in body.lower():
                sig.scripts.append(body[:2000].lower())
    for link in tree.css("link[href]"):
        sig.scripts.append((link.attributes.get("href") or "").lower())
    for form in tree.css("form"):
        if _is_appeal_form(form):
            sig.forms += 1
    body = tree.body
    if body is not None:
        for junk in body.css("script, style, noscript, template"):
            junk.decompose()
        sig.text = norm_text(body.text(deep=True, separator=" ")).lower().replace("ё", "е")
    return sig


def _js_links(base: str, code: str, text: str) -> list[Link]:
    links = []
    for match in _JS_URL.finditer(code):
        value = match.group(0)
        if value.startswith("//"):
            value = "https:" + value
        links.append(Link(url=_absolute(base, value), text=text, raw=value, source="js"))
    return links


def _is_appeal_form(form) -> bool:
    """A form a citizen can send a message or a request through (a search box is not one)."""
    if form.css_first("textarea") is not None:
        return True
    fields = [
        i
        for i in form.css("input")
        if (i.attributes.get("type") or "text").lower() in ("text", "email", "tel", "")
        and (i.attributes.get("name") or "").lower() not in ("q", "s", "search", "text", "query", "searchword")
    ]
    method = (form.attributes.get("method") or "get").lower()
    return len(fields) >= 2 or (method == "post" and len(fields) >= 1)


def same_site(url_a: str, url_b: str) -> bool:
    a, b = urlsplit(url_a), urlsplit(url_b)
    host_a = (a.hostname or "").removeprefix("www.")
    host_b = (b.hostname or "").removeprefix("www.")
    return host_a == host_b and (a.port == b.port or a.port is None or b.port is None)
