"""Demo checks (built by the session fixture without network) and the management command."""

from __future__ import annotations

import asyncio
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from cycles.models import Cycle, CycleOrganization
from lib.score_inputs import SITE_ITEMS_PRESENT, SITE_ITEMS_REQUIRED
from sitecheck import score_inputs
from sitecheck.engine.fetch import MemoryFetcher
from sitecheck.engine.site import analyze_site, crawl_site
from sitecheck.models import SiteCheck, SiteRule
from sitecheck.synthetic import generate_site

pytestmark = pytest.mark.django_db


def test_every_organization_of_the_current_cycles_has_a_demo_check():
    entries = CycleOrganization.objects.included().filter(cycle__year=2026)
    checked = set(SiteCheck.objects.filter(cycle_organization__in=entries).values_list("cycle_organization", flat=True))
    assert checked == set(entries.values_list("pk", flat=True))
    checks = SiteCheck.objects.filter(cycle_organization__in=entries)
    assert checks.filter(site_error="").exclude(items_placed=0).count() > checks.count() // 2
    assert checks.exclude(site_error="").exists()  # some sites are down, as in life
    assert len({c.items_placed for c in checks}) > 5  # realistic spread, not one template
    assert checks.filter(has_questionnaire=True).exists() and checks.filter(has_questionnaire=False).exists()


def test_demo_feeds_score_inputs_for_each_current_cycle():
    for cycle in Cycle.objects.filter(year=2026):
        values = list(score_inputs.provide(cycle))
        entries = set(cycle.entries.included().values_list("pk", flat=True))
        assert {v.cycle_organization_id for v in values} == entries
        by_key = {(v.cycle_organization_id, v.key): v.value for v in values}
        for entry in entries:
            assert 0 <= by_key[(entry, SITE_ITEMS_PRESENT)] <= by_key[(entry, SITE_ITEMS_REQUIRED)]


def test_generated_sites_are_deterministic(rulebook):
    def check(seed):
        pages, _spec = generate_site(rulebook, seed, org_type="DOU")
        fetcher = MemoryFetcher({"https://ds.example" + p: (200, "text/html", b) for p, b in pages.items()})
        crawl = asyncio.run(crawl_site(fetcher, "https://ds.example/", rulebook))
        report = analyze_site(rulebook, crawl, org_type="DOU", as_of=dt.date(2026, 3, 1))
        return [p.sha256 for p in crawl.pages], report.summary["items_placed"]

    assert check(42) == check(42)
    assert check(42) != check(43)


def test_rules_are_data_rows():
    rules = SiteRule.objects.filter(rule_set__code="1493-v1")
    assert rules.count() == 217
    accreditation = rules.get(section="common", itemprop="accreditationDocLink")
    assert accreditation.required_types == ["SCH", "SPO", "VO"] and accreditation.also_in == ["education"]
    assert rules.get(section="education", itemprop="eduNir").types == ["VO", "DPO"]
    assert rules.get(section="struct", parent="structOrgUprav", itemprop="addressStr").requirement == "R"


def test_command_checks_a_url_without_storing(site_server):
    out = StringIO()
    before = SiteCheck.objects.count()
    call_command("sitecheck", url=site_server.url("avtodom"), type="PO", stdout=out)
    text = out.getvalue()
    assert "Сведения:" in text and "objects" in text and "Версия для слабовидящих: да" in text
    assert SiteCheck.objects.count() == before


def test_command_checks_an_organization(site_server, school):
    school.website = site_server.url("gen5")
    school.save()
    out = StringIO()
    call_command("sitecheck", org=school.pk, stdout=out)
    assert str(school) in out.getvalue()
    assert SiteCheck.objects.filter(organization=school, status="done").exists()


def test_provide_many_reads_the_latest_checks_of_all_cycles_at_once(django_assert_max_num_queries):
    cycles = list(Cycle.objects.filter(entries__isnull=False).distinct().order_by("pk"))
    alone = sorted(
        (v.cycle_organization_id, v.key, v.value, repr(v.detail)) for c in cycles for v in score_inputs.provide(c)
    )
    with django_assert_max_num_queries(6):
        together = sorted(
            (v.cycle_organization_id, v.key, v.value, repr(v.detail)) for v in score_inputs.provide_many(cycles)
        )
    assert together == alone
    latest = {
        check.cycle_organization_id: check
        for cycle in cycles
        for check in SiteCheck.objects.current_for_cycle(cycle).filter(cycle_organization__status="included")
    }
    assert {v[0] for v in together} == set(latest)
    by_key = {(v[0], v[1]): v[2] for v in together}
    for entry, check in latest.items():
        assert by_key[(entry, SITE_ITEMS_REQUIRED)] == check.items_required
        assert by_key[(entry, SITE_ITEMS_PRESENT)] == check.items_placed
