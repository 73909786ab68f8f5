"""Fixtures of the site checker tests: the real-site corpus, a loopback web server, evidence in tmp."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitecheck.engine.rulebook import RuleBook

# The real-site corpus (with its README of expected results) is kept with the tests, so a clean clone runs them.
CORPUS = Path(os.environ.get("NOKO_CORPUS_DIR", Path(__file__).parent / "corpus"))
CORPUS_SITES = {
    "school11": "school11-varfandrey",
    "rossolovo": "rossolovo-ldska",
    "avtodom": "avtodom-redoutable95",
    "ipbaishev": "ipbaishev-ip",
    "mr2020": "mr2020-templates-qzya",
}


@dataclass
class ExpectedPage:
    folder: str
    path: str
    section: str
    present: dict[str, list[str]]  # name → required children missing
    missing: list[str]
    absent: list[str]
    foreign: list[str]

    @property
    def id(self) -> str:
        return f"{self.folder}/{self.path}→{self.section}"


_LINE = re.compile(r"^\s*- `(?P<path>[^`]+)` → (?P<sec>\w+): (?P<rest>.*)$")
_SITE = re.compile(r"^## \d+\. `([^`]+)`")


def _names(text: str) -> dict[str, list[str]]:
    text = text.strip()
    if text in ("", "—"):
        return {}
    return {
        m.group(1): sorted(m.group(2).split(",")) if m.group(2) else []
        for m in re.finditer(r"([\w-]+)(?:\(children missing: ([^)]*)\))?", text)
    }


def expected_pages() -> list[ExpectedPage]:
    """The per-page expected results written in the corpus README."""
    readme = CORPUS / "README.md"
    assert readme.exists(), f"the real-site corpus is missing: {readme}"
    folder = ""
    result = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        site = _SITE.match(line)
        if site:
            folder = site.group(1)
        match = _LINE.match(line)
        if not match:
            continue
        parts = dict(part.split(": ", 1) for part in match.group("rest").split("; "))
        result.append(
            ExpectedPage(
                folder=folder,
                path=match.group("path"),
                section=match.group("sec"),
                present=_names(parts.get("present", "")),
                missing=sorted(_names(parts.get("missing required", ""))),
                absent=sorted(_names(parts.get("absent conditional", ""))),
                foreign=sorted(_names(parts.get("names not in MR9 for this subsection", ""))),
            )
        )
    return result


@pytest.fixture(scope="session")
def rulebook() -> RuleBook:
    return RuleBook.from_file("1493-v1")


@pytest.fixture(scope="session")
def corpus_sites() -> dict[str, Path]:
    return {name: CORPUS / folder for name, folder in CORPUS_SITES.items()}


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITECHECK = {
        "loopback": True,
        "timeout": 3,
        "connect_timeout": 2,
        "read_timeout": 2,
        "site_timeout": 20,
        "retries": 0,
        "respect_robots": True,
    }


@pytest.fixture(scope="session")
def site_server(corpus_sites, rulebook):
    """Corpus sites and 40 generated sites on a loopback server running in a thread."""
    from sitecheck.loopback import ThreadedLoopback
    from sitecheck.synthetic import generate_site

    sites: dict = dict(corpus_sites)
    for index in range(40):
        pages, _spec = generate_site(rulebook, 500 + index, org_type="SCH")
        sites[f"gen{index}"] = pages
    with ThreadedLoopback(sites) as server:
        yield server


@pytest.fixture
def current_cycle(municipality):
    from cycles.models import Cycle

    return Cycle.objects.get(territory=municipality, year=2026)
