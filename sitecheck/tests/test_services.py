"""Checks through the services and jobs: evidence, audit, access, mass runs, pause and resume."""

from __future__ import annotations

import gzip
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from audit.models import AuditEntry
from cycles.models import CycleOrganization, Phase
from jobs.models import Job
from lib.score_inputs import (
    SITE_BVI,
    SITE_HAS_QUESTIONNAIRE,
    SITE_ITEMS_PRESENT,
    SITE_ITEMS_REQUIRED,
    SITE_REMOTE_CHANNELS,
)
from sitecheck import score_inputs, services
from sitecheck.models import SiteCheck, SiteCheckRun

pytestmark = pytest.mark.django_db


def _entry(cycle, index=0):
    return list(cycle.entries.included().select_related("organization").order_by("pk"))[index]


def test_check_of_a_cycle_organization(site_server, current_cycle, operator_user):
    entry = _entry(current_cycle)
    org = entry.organization
    org.website = site_server.url("rossolovo")
    org.save()
    check = services.start_check(operator_user, org, cycle_organization=entry)
    check.refresh_from_db()
    assert check.status == "done", check.error
    assert check.job is not None and check.job.status == Job.Status.DONE
    assert check.section_found and check.has_bvi and check.channel_count == 4
    assert check.items_required > 0 and check.items_placed == 0  # capitalised 785-era names do not count
    assert check.findings.filter(kind="rule", section="common", itemprop="fullName", status="missing").exists()
    # evidence: every stored snapshot is the fetched body, and its hash is recorded
    pages = list(check.pages.exclude(snapshot=""))
    assert len(pages) >= 12
    for page in pages[:5]:
        with default_storage.open(page.snapshot.name, "rb") as fh:
            assert hashlib.sha256(gzip.decompress(fh.read())).hexdigest() == page.sha256
    assert len(check.evidence_sha256) == 64
    entry_log = AuditEntry.objects.get(action="sitecheck.check.completed", target_id=str(check.pk))
    assert entry_log.after["items_placed"] == 0 and entry_log.organization_id == org.pk


def test_score_inputs_take_the_latest_check(site_server, current_cycle, operator_user):
    entry = _entry(current_cycle, 1)
    org = entry.organization
    org.website = site_server.url("avtodom")
    org.save()
    services.start_check(operator_user, org, cycle_organization=entry)
    org.website = site_server.url("school11")
    org.save()
    latest = services.start_check(operator_user, org, cycle_organization=entry)
    latest.refresh_from_db()
    values = {v.key: v for v in score_inputs.provide(current_cycle) if v.cycle_organization_id == entry.pk}
    assert set(values) == {
        SITE_ITEMS_REQUIRED,
        SITE_ITEMS_PRESENT,
        SITE_REMOTE_CHANNELS,
        SITE_BVI,
        SITE_HAS_QUESTIONNAIRE,
    }
    assert values[SITE_ITEMS_REQUIRED].value == latest.items_required
    assert values[SITE_ITEMS_PRESENT].value == 0  # school11 has no microdata at all
    assert values[SITE_REMOTE_CHANNELS].value == 2
    assert values[SITE_BVI].value == 1
    assert values[SITE_HAS_QUESTIONNAIRE].value == 0
    missing = values[SITE_ITEMS_PRESENT].detail["missing"]
    assert len(missing) == latest.items_required
    assert {"code", "label", "legal_basis"} == set(missing[0])
    assert any(m["code"] == "common.fullName" and "1493" in m["legal_basis"] for m in missing)
    channels = values[SITE_REMOTE_CHANNELS].detail
    assert {m["code"] for m in channels["missing"]} == {"channel.eform", "channel.faq", "channel.opinion"}
    assert values[SITE_HAS_QUESTIONNAIRE].detail["missing"][0]["code"] == "site.questionnaire"


def test_hanging_site_ends_with_an_error_naming_it(site_server, current_cycle, operator_user, settings):
    settings.SITECHECK = {**settings.SITECHECK, "timeout": 0.7, "read_timeout": 0.7}
    entry = _entry(current_cycle, 2)
    org = entry.organization
    org.website = site_server.url("hang")
    org.save()
    check = services.start_check(operator_user, org, cycle_organization=entry)
    check.refresh_from_db()
    assert check.status == "done"
    assert "не ответил" in check.site_error and site_server.url("hang") in check.site_error
    assert check.items_placed == 0 and check.items_required > 0


def test_organization_without_site_address(current_cycle, operator_user):
    entry = _entry(current_cycle, 3)
    org = entry.organization
    org.website = ""
    org.save()
    check = services.start_check(operator_user, org, cycle_organization=entry)
    check.refresh_from_db()
    assert "не указан адрес" in check.site_error


def test_school_staff_rechecks_only_its_own_site_before_the_deadline(site_server, school_staff, school, settings):
    entry = (
        CycleOrganization.objects.filter(organization=school).select_related("cycle").order_by("-cycle__year").first()
    )
    school.website = site_server.url("gen1")
    school.save()
    other = CycleOrganization.objects.exclude(organization=school).filter(cycle=entry.cycle).first()
    with pytest.raises(PermissionDenied):
        services.start_check(school_staff, other.organization, cycle_organization=other)
    entry.cycle.phase = Phase.COLLECTION
    entry.cycle.save()
    check = services.start_check(school_staff, school, cycle_organization=entry)
    assert SiteCheck.objects.visible_to(school_staff).filter(pk=check.pk).exists()
    entry.cycle.phase = Phase.FINAL
    entry.cycle.save()
    with pytest.raises(PermissionDenied):
        services.start_check(school_staff, school, cycle_organization=entry)
    adhoc = services.start_check(school_staff, school)  # a self-check outside the cycle is always allowed
    assert adhoc.cycle_organization is None


def test_checks_are_visible_by_scope(
    site_server, current_cycle, operator_user, municipal_official, school_staff, school
):
    entry = next(e for e in current_cycle.entries.included().select_related("organization") if e.organization != school)
    entry.organization.website = site_server.url("gen2")
    entry.organization.save()
    check = services.start_check(operator_user, entry.organization, cycle_organization=entry)
    assert SiteCheck.objects.visible_to(municipal_official).filter(pk=check.pk).exists()
    assert not SiteCheck.objects.visible_to(school_staff).filter(pk=check.pk).exists()


def _point_sites(cycle, server, hang_every=0):
    entries = list(cycle.entries.included().select_related("organization").order_by("pk"))
    for index, entry in enumerate(entries):
        org = entry.organization
        org.website = server.url("hang") if hang_every and index % hang_every == 0 else server.url(f"gen{index % 40}")
        org.save()
    return entries


def test_mass_run_checks_every_organization_and_survives_a_dead_site(
    site_server, current_cycle, operator_user, settings
):
    settings.SITECHECK = {**settings.SITECHECK, "timeout": 0.7, "read_timeout": 0.7, "concurrency": 8}
    entries = _point_sites(current_cycle, site_server, hang_every=5)
    run = services.start_run(operator_user, current_cycle)
    run.refresh_from_db()
    assert run.status == SiteCheckRun.Status.DONE
    assert run.total == run.done == len(entries)
    assert run.failed == len(range(0, len(entries), 5))
    assert run.job.status == Job.Status.DONE and run.job.progress_done == len(entries)
    checks = run.checks.all()
    assert checks.count() == len(entries)
    assert {c.cycle_organization_id for c in checks} == {e.pk for e in entries}
    assert all(c.status == "done" for c in checks)
    good = [c for c in checks if not c.site_error]
    assert good and all(c.section_found for c in good)


def test_mass_run_pauses_and_resumes_without_repeating_work(site_server, current_cycle, operator_user, monkeypatch):
    entries = _point_sites(current_cycle, site_server)
    real = services._paused

    def pause_after_two(run_id):
        run = SiteCheckRun.objects.get(pk=run_id)
        if run.status == SiteCheckRun.Status.RUNNING and run.done >= 2:
            services.pause_run(operator_user, run)
        return real(run_id)

    monkeypatch.setattr(services, "_paused", pause_after_two)
    run = services.start_run(operator_user, current_cycle)
    run.refresh_from_db()
    assert run.status == SiteCheckRun.Status.PAUSED
    assert run.done == 2 and run.job.status == Job.Status.PAUSED
    monkeypatch.setattr(services, "_paused", real)
    run = services.resume_run(operator_user, run)
    run.refresh_from_db()
    assert run.status == SiteCheckRun.Status.DONE and run.done == len(entries)
    assert run.checks.filter(status="done").count() == len(entries)
    assert run.job.progress_done == len(entries)
    actions = set(AuditEntry.objects.filter(target_id=str(run.pk)).values_list("action", flat=True))
    assert {"sitecheck.run.started", "sitecheck.run.paused", "sitecheck.run.resumed"} <= actions


def test_mass_run_is_refused_outside_the_users_territory(current_cycle, other_municipality, municipal_official):
    from cycles.models import Cycle

    foreign = Cycle.objects.get(territory=other_municipality, year=2026)
    with pytest.raises(PermissionDenied):
        services.start_run(municipal_official, foreign)
