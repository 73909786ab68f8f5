"""The corpus sites served on loopback and checked end to end, as the README describes them."""

from __future__ import annotations

import datetime as dt

import pytest
import pytest_asyncio

from sitecheck.engine.fetch import FetchConfig, Fetcher, LoopbackResolver
from sitecheck.engine.site import analyze_site, crawl_site
from sitecheck.loopback import make_app
from sitecheck.tests.conftest import expected_pages

pytestmark = pytest.mark.asyncio
AS_OF = dt.date(2025, 6, 1)


@pytest_asyncio.fixture
async def corpus(aiohttp_server, corpus_sites):
    server = await aiohttp_server(make_app(corpus_sites))

    async def check(name: str, org_type: str | None = None, as_of=AS_OF, path="/"):
        config = FetchConfig(resolver=LoopbackResolver(), timeout=5, retries=0)
        async with Fetcher(config) as fetcher:
            crawl = await crawl_site(fetcher, f"http://{name}.test:{server.port}{path}", _rulebook[0])
        return analyze_site(_rulebook[0], crawl, org_type=org_type, as_of=as_of)

    return check


_rulebook: list = []


@pytest.fixture(autouse=True)
def _book(rulebook):
    _rulebook[:] = [rulebook]


def _paths(report, code):
    return [u.split(".test:", 1)[1].split("/", 1)[1] for u in report.results[code].urls]


async def test_school_without_microdata(corpus):
    report = await corpus("school11", "SCH")
    statuses = report.summary["sections"]
    found = {c for c, s in statuses.items() if s == "found"}
    assert found == {
        "common",
        "struct",
        "document",
        "education",
        "eduStandarts",
        "employees",
        "objects",
        "grants",
        "paid_edu",
        "budget",
        "vacant",
    }
    assert statuses["managers"] == "combined"  # «Руководство. Педагогический состав» is one page
    assert statuses["inter"] == statuses["catering"] == "missing"
    assert _paths(report, "eduStandarts") == ["sveden/edustandarts/"]
    assert report.summary["items_placed"] == 0 and report.summary["items_required"] > 40
    assert report.summary["section_linked"] is True
    assert report.summary["bvi"] is True
    assert report.summary["channels"] == {"phone": True, "email": True, "eform": False, "faq": False, "opinion": False}
    assert report.summary["ministry"] == []
    address = [f for f in report.findings if f.code == "eduStandarts.address"]
    assert address, "the lower-case edustandarts address is reported as a deviation"


async def test_mirror_site_follows_its_own_menu_to_the_real_common_page(corpus):
    report = await corpus("rossolovo", "SCH")
    assert _paths(report, "common") == ["sveden/common/index.html@set_template=default.html"]
    assert _paths(report, "struct") == ["sveden/strukt/index.html@set_template=default.html"]
    assert _paths(report, "document") == ["sveden/dokument/index.html@set_template=default.html"]
    assert report.summary["sections"]["managers"] == "combined"
    assert {report.summary["sections"][c] for c in ("inter", "catering")} == {"missing"}
    common = report.results["common"]
    expected = next(p for p in expected_pages() if p.path.startswith("sveden/common/index.html@"))
    assert sorted(common.missing_required(mr9=True)) == expected.missing
    assert common.foreign_names() == expected.foreign
    channels = report.summary["channels"]
    assert channels["phone"] and channels["email"] and channels["eform"] and channels["opinion"]
    assert not channels["faq"]
    assert report.summary["bvi"] is True
    assert report.summary["ministry"] == ["minobrnauki", "minprosvescheniya"]


async def test_driving_school_every_page_matches_readme(corpus):
    report = await corpus("avtodom")
    for page in [p for p in expected_pages() if p.folder == "avtodom-redoutable95"]:
        result = report.results[page.section]
        assert _paths(report, page.section) == [page.path]
        assert sorted(result.missing_required(mr9=True)) == page.missing, page.section
        assert sorted(result.present()) == sorted(page.present), page.section
        assert result.foreign_names() == page.foreign, page.section
    assert report.summary["sections"]["eduStandarts"] == "missing"


async def test_driving_school_type_filter_and_site_facts(corpus):
    report = await corpus("avtodom", "PO", as_of=dt.date(2026, 3, 1))
    education = report.results["education"]
    assert set(education.missing_required()) == {"eduAccred", "languageEl", "eduChislenEl", "eduPerevodEl", "eduOp"}
    assert not report.results["eduStandarts"].applies  # no ФГОС for vocational training
    assert all(not f.required for f in report.results["eduStandarts"].rule_findings())
    channels = report.summary["channels"]
    assert channels["phone"] and channels["email"]  # as text, no tel:/mailto:
    assert not channels["faq"]  # the FAQ block is inside an HTML comment
    assert not channels["opinion"]  # «Оставить отзыв» leads to href="#"
    opinion = next(f for f in report.findings if f.code == "channel.opinion")
    assert opinion.status == "broken" and "#" in opinion.data["broken"]
    assert report.summary["bvi"] is True
    assert report.summary["channel_count"] == 2


async def test_site_without_home_page_is_found_by_standard_addresses(corpus):
    report = await corpus("ipbaishev", "IP")
    sections = report.summary["sections"]
    assert {c for c, s in sections.items() if s == "guessed"} == {"common", "document", "managers", "employees"}
    assert report.results["document"].missing_required(mr9=True) == []
    assert report.results["managers"].items_placed == report.results["managers"].items_required
    assert report.summary["channels"]["phone"] and report.summary["channels"]["email"]
    assert any(f.code == "site.home" for f in report.findings)


async def test_accreditation_on_document_page_is_misplaced(corpus):
    report = await corpus("ipbaishev", "IP")
    foreign = {f.name: f.status for f in report.results["document"].findings if f.kind == "foreign"}
    assert foreign["accreditationDocLink"] == "misplaced"
    assert foreign["prescriptionOtchetDocLink"] == "unknown"
