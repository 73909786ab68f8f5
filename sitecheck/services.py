"""Writes of the site checker. Views, the API, jobs, the command and the demo call these.

* ``start_check`` queues one organization's check (bound to its cycle entry, or ad hoc) as a job;
  ``perform_check`` does the work (crawl, analyse, store evidence and findings).
* ``start_run`` / ``pause_run`` / ``resume_run`` manage a mass run over a cycle; ``perform_run``
  is the job body: sites are crawled concurrently in a worker thread, each result is saved
  here as it arrives, progress advances, and a pause request stops the run between two sites.
* ``save_report`` turns an engine ``SiteReport`` into rows and logs the change to the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role
from accounts.scopes import scope_for
from audit.services import log_action
from cycles.models import Cycle, CycleOrganization, Phase
from jobs import services as jobs
from jobs.models import Job
from registry.models import Organization
from sitecheck.engine.fetch import FetchConfig, LoopbackResolver
from sitecheck.engine.runner import crawl_one, iter_crawls
from sitecheck.engine.site import SiteCrawl, SiteReport, analyze_site
from sitecheck.models import SiteCheck, SiteCheckRun, SiteFinding, SitePage
from sitecheck.rules import rulebook_for

log = logging.getLogger(__name__)

# Phases in which a check of a cycle's organization may still be (re)run; after them the
# results are final. A setting, because regions fix their own deadlines.
DEFAULT_RERUN_PHASES = (Phase.PREPARATION, Phase.COLLECTION, Phase.PRELIMINARY, Phase.INTERACTION)
MANAGER_ROLES = (Role.OPERATOR, Role.REGIONAL, Role.MUNICIPAL)


# --- configuration ------------------------------------------------------------------------------
def fetch_config(**overrides: Any) -> FetchConfig:
    """Crawler settings from ``settings.SITECHECK`` (a dict of FetchConfig fields)."""
    values = dict(getattr(settings, "SITECHECK", {}) or {})
    values.update(overrides)
    loopback = values.pop("loopback", False)
    config = FetchConfig(**{k: v for k, v in values.items() if k in FetchConfig.__dataclass_fields__})
    if loopback and config.resolver is None:
        config.resolver = LoopbackResolver()
    return config


def questionnaire_patterns() -> tuple[str, ...]:
    patterns = list(getattr(settings, "SITECHECK_QUESTIONNAIRE_PATTERNS", ()))
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    if base:
        patterns.append(base.split("//", 1)[-1].rstrip("/") + "/")
    return tuple(p for p in patterns if p)


def rerun_phases() -> tuple[str, ...]:
    return tuple(getattr(settings, "SITECHECK_RERUN_PHASES", DEFAULT_RERUN_PHASES))


# --- permissions --------------------------------------------------------------------------------
def can_check(user, organization: Organization, cycle_organization: CycleOrganization | None = None) -> bool:
    scope = scope_for(user)
    if scope.is_anonymous:
        return False
    if not Organization.objects.visible_to(user).filter(pk=organization.pk).exists():
        return False
    if scope.sees_everything or scope.has_role(*MANAGER_ROLES):
        return True
    if Role.ORG_STAFF in scope.roles and organization.pk in scope.organization_ids:
        # the organization re-runs its own check while the cycle still accepts it
        return cycle_organization is None or cycle_organization.cycle.phase in rerun_phases()
    return False


def can_run_cycle(user, cycle: Cycle) -> bool:
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    return cycle.territory_id in scope.territories_for(*MANAGER_ROLES)


def current_entry(organization: Organization) -> CycleOrganization | None:
    """The organization's entry in a cycle that still collects data (the latest such cycle)."""
    return (
        CycleOrganization.objects.included()
        .filter(organization=organization, cycle__phase__in=rerun_phases())
        .select_related("cycle")
        .order_by("-cycle__year")
        .first()
    )


# --- one check ----------------------------------------------------------------------------------
def _new_check(user, organization, cycle_organization, run=None, *, tolerant=False, as_of=None) -> SiteCheck:
    version = cycle_organization.cycle.site_rules_version if cycle_organization else _default_version()
    book = rulebook_for(version)
    return SiteCheck(
        organization=organization,
        cycle_organization=cycle_organization,
        run=run,
        rules_version=version,
        org_type=book.org_type_code(organization.org_type) or "",
        mode=SiteCheck.Mode.TOLERANT if tolerant else SiteCheck.Mode.STRICT,
        evaluated_on=as_of or timezone.localdate(),
        url=organization.website or "",
        created_by=user if getattr(user, "pk", None) else None,
    )


def _default_version() -> str:
    return Cycle._meta.get_field("site_rules_version").default


def start_check(
    user,
    organization: Organization,
    *,
    cycle_organization: CycleOrganization | None = None,
    tolerant: bool = False,
    as_of: dt.date | None = None,
) -> SiteCheck:
    """Queue a check of ORGANIZATION's site; the job runs it (inline in tests)."""
    if cycle_organization is not None and cycle_organization.organization_id != organization.pk:
        raise ValidationError("Запись цикла относится к другой организации.")
    if not can_check(user, organization, cycle_organization):
        raise PermissionDenied("Проверка сайта этой организации недоступна")
    check = _new_check(user, organization, cycle_organization, tolerant=tolerant, as_of=as_of)
    check.save()
    job = jobs.enqueue("sitecheck.check", f"Проверка сайта: {organization}", user, check_id=check.pk)
    SiteCheck.objects.filter(pk=check.pk, job__isnull=True).update(job=job)
    check.refresh_from_db()
    return check


def perform_check(check_id: int, config: FetchConfig | None = None) -> SiteCheck:
    """Crawl and analyse one queued check (the body of the "sitecheck.check" job)."""
    import asyncio

    from sitecheck.engine.fetch import Fetcher

    check = SiteCheck.objects.select_related("organization").get(pk=check_id)
    SiteCheck.objects.filter(pk=check.pk).update(status=SiteCheck.Status.RUNNING, started_at=timezone.now())
    config = config or fetch_config()
    book = rulebook_for(check.rules_version)
    if not check.url:
        crawl = SiteCrawl(start_url="", error="В реестре не указан адрес официального сайта организации")
    else:

        async def go() -> SiteCrawl:
            async with Fetcher(config) as fetcher:
                return await crawl_one(fetcher, check.url, book, config.site_timeout)

        crawl = asyncio.run(go())
    return save_crawl(check, crawl)


def save_crawl(check: SiteCheck, crawl: SiteCrawl, *, store_snapshots: bool = True) -> SiteCheck:
    book = rulebook_for(check.rules_version)
    report = analyze_site(
        book,
        crawl,
        org_type=check.org_type or None,
        as_of=check.evaluated_on,
        tolerant=check.mode == SiteCheck.Mode.TOLERANT,
        questionnaire_patterns=questionnaire_patterns(),
    )
    return save_report(check, report, store_snapshots=store_snapshots)


def _store_snapshot(sha: str, gz: bytes) -> str:
    name = f"sitecheck/evidence/{sha[:2]}/{sha}.html.gz"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(gz))
    return name


def save_report(check: SiteCheck, report: SiteReport, *, store_snapshots: bool = True) -> SiteCheck:
    crawl = report.crawl
    summary = report.summary
    now = timezone.now()
    pages = []
    hasher = hashlib.sha256()
    for page in crawl.pages:
        snapshot = _store_snapshot(page.sha256, page.gz) if store_snapshots and page.gz and page.sha256 else ""
        hasher.update(f"{page.final_url or page.url}\n{page.sha256}\n".encode())
        pages.append(
            SitePage(
                site_check=check,
                role=page.role,
                sections=page.sections,
                url=page.url[:1000],
                final_url=(page.final_url or "")[:1000],
                status_code=min(page.status, 999),
                content_type=page.content_type[:200],
                encoding=page.encoding[:40],
                sha256=page.sha256,
                size=page.size,
                truncated=page.truncated,
                error=page.error,
                redirects=page.redirects,
                snapshot=snapshot,
                fetched_at=now,
            )
        )
    findings = [
        SiteFinding(
            site_check=check,
            section=f.section,
            code=f.code[:160],
            kind=f.kind,
            status=f.status[:20],
            itemprop=f.name[:120],
            required=f.required,
            placed=f.placed,
            label=f.label[:500],
            legal_basis=f.basis[:500],
            message=f.message,
            url=f.url[:1000],
            data=f.data,
            order=index,
        )
        for index, f in enumerate(report.findings)
    ]
    values = {
        "status": SiteCheck.Status.DONE,
        "final_url": ((crawl.home.final_url if crawl.home else "") or "")[:1000],
        "site_error": crawl.error,
        "items_required": summary["items_required"],
        "items_placed": summary["items_placed"],
        "channel_count": summary["channel_count"],
        "channels": summary["channels"],
        "has_bvi": summary["bvi"],
        "has_questionnaire": summary["questionnaire"],
        "section_found": summary["section_found"],
        "summary": _summary_json(summary),
        "pages_count": summary["pages"],
        "bytes_total": summary["bytes"],
        "evidence_sha256": hasher.hexdigest() if crawl.pages else "",
        "duration_ms": int(crawl.elapsed * 1000),
        "finished_at": now,
    }
    with transaction.atomic():
        SitePage.objects.filter(site_check=check).delete()
        SiteFinding.objects.filter(site_check=check).delete()
        SitePage.objects.bulk_create(pages, batch_size=500)
        SiteFinding.objects.bulk_create(findings, batch_size=1000)
        SiteCheck.objects.filter(pk=check.pk).update(**values)
        for key, value in values.items():
            setattr(check, key, value)
        log_action(
            check.created_by,
            "sitecheck.check.completed",
            check,
            organization=check.organization,
            after={
                "items_required": check.items_required,
                "items_placed": check.items_placed,
                "channel_count": check.channel_count,
                "has_bvi": check.has_bvi,
                "has_questionnaire": check.has_questionnaire,
                "evidence_sha256": check.evidence_sha256,
            },
            data={"cycle_organization": check.cycle_organization_id, "run": check.run_id, "url": check.url},
        )
    return check


def _summary_json(summary: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "items_required",
        "items_placed",
        "missing",
        "channels",
        "channel_count",
        "channels_missing",
        "bvi",
        "questionnaire",
        "section_found",
        "section_linked",
        "ministry",
        "sections",
        "pages",
        "bytes",
        "error",
    )
    return {k: summary.get(k) for k in keys}


def fail_check(check: SiteCheck, error: str) -> None:
    SiteCheck.objects.filter(pk=check.pk).update(
        status=SiteCheck.Status.FAILED, error=error[:5000], finished_at=timezone.now()
    )


# --- mass runs ----------------------------------------------------------------------------------
def start_run(user, cycle: Cycle, *, tolerant: bool = False) -> SiteCheckRun:
    if not can_run_cycle(user, cycle):
        raise PermissionDenied("Массовая проверка этого цикла недоступна")
    if cycle.site_runs.filter(status__in=[SiteCheckRun.Status.QUEUED, SiteCheckRun.Status.RUNNING]).exists():
        raise ValidationError("Для этого цикла уже идёт массовая проверка сайтов.")
    total = cycle.entries.included().count()
    with transaction.atomic():
        run = SiteCheckRun.objects.create(
            cycle=cycle,
            title=f"Проверка сайтов: {cycle}",
            rules_version=cycle.site_rules_version,
            tolerant=tolerant,
            total=total,
            created_by=user if getattr(user, "pk", None) else None,
        )
        log_action(
            user, "sitecheck.run.started", run, territory=cycle.territory, data={"cycle": cycle.pk, "total": total}
        )
    _enqueue_run(user, run)
    run.refresh_from_db()
    return run


def _enqueue_run(user, run: SiteCheckRun) -> Job:
    job = jobs.enqueue("sitecheck.run", run.title, user, run_id=run.pk)
    SiteCheckRun.objects.filter(pk=run.pk).update(job=job)
    return job


def pause_run(user, run: SiteCheckRun) -> SiteCheckRun:
    if not can_run_cycle(user, run.cycle):
        raise PermissionDenied
    with transaction.atomic():
        changed = SiteCheckRun.objects.filter(
            pk=run.pk, status__in=[SiteCheckRun.Status.QUEUED, SiteCheckRun.Status.RUNNING]
        ).update(status=SiteCheckRun.Status.PAUSED)
        if not changed:
            raise ValidationError("Проверку можно приостановить, только пока она идёт.")
        log_action(user, "sitecheck.run.paused", run, territory=run.cycle.territory)
    run.refresh_from_db()
    return run


def resume_run(user, run: SiteCheckRun) -> SiteCheckRun:
    if not can_run_cycle(user, run.cycle):
        raise PermissionDenied
    with transaction.atomic():
        changed = SiteCheckRun.objects.filter(pk=run.pk, status=SiteCheckRun.Status.PAUSED).update(
            status=SiteCheckRun.Status.QUEUED
        )
        if not changed:
            raise ValidationError("Возобновить можно только приостановленную проверку.")
        log_action(user, "sitecheck.run.resumed", run, territory=run.cycle.territory)
    _enqueue_run(user, run)
    run.refresh_from_db()
    return run


def _paused(run_id: int) -> bool:
    return SiteCheckRun.objects.filter(pk=run_id, status=SiteCheckRun.Status.PAUSED).exists()


def perform_run(job: Job, run_id: int, config: FetchConfig | None = None) -> dict[str, Any]:
    """The body of the "sitecheck.run" job: check every organization of the cycle not yet checked in this run."""
    run = SiteCheckRun.objects.select_related("cycle").get(pk=run_id)
    if run.status == SiteCheckRun.Status.PAUSED:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.PAUSED)
        return {}
    SiteCheckRun.objects.filter(pk=run.pk).update(status=SiteCheckRun.Status.RUNNING)
    config = config or fetch_config()
    entries = list(run.cycle.entries.included().select_related("organization").order_by("pk"))
    finished = set(
        run.checks.filter(status__in=[SiteCheck.Status.DONE, SiteCheck.Status.FAILED]).values_list(
            "cycle_organization_id", flat=True
        )
    )
    jobs.set_total(job, len(entries))
    if finished:
        Job.objects.filter(pk=job.pk).update(progress_done=len(finished))
        job.progress_done = len(finished)
    todo = [e for e in entries if e.pk not in finished]
    checks: dict[int, SiteCheck] = {}
    for entry in todo:
        check = run.checks.filter(cycle_organization=entry).exclude(status=SiteCheck.Status.DONE).first()
        if check is None:
            check = _new_check(run.created_by, entry.organization, entry, run, tolerant=run.tolerant)
            check.save()
        checks[check.pk] = check
    SiteCheckRun.objects.filter(pk=run.pk).update(total=len(entries), done=len(finished))
    without_site = [c for c in checks.values() if not c.url]
    for check in without_site:
        _save_one(run, job, check, SiteCrawl(start_url="", error="В реестре не указан адрес официального сайта"))
    items = [(pk, c.url) for pk, c in checks.items() if c.url]
    paused = False
    crawls = iter_crawls(items, rulebook_for(run.rules_version), config)
    try:
        for pk, crawl in crawls:
            _save_one(run, job, checks[pk], crawl)
            if _paused(run.pk):
                paused = True
                break
    finally:
        crawls.close()
    if paused or _paused(run.pk):
        Job.objects.filter(pk=job.pk).update(status=Job.Status.PAUSED)
        job.status = Job.Status.PAUSED
        return {"paused": True}
    SiteCheckRun.objects.filter(pk=run.pk).update(status=SiteCheckRun.Status.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return {"checked": run.done, "site_errors": run.failed}


def _save_one(run: SiteCheckRun, job: Job, check: SiteCheck, crawl: SiteCrawl) -> None:
    try:
        SiteCheck.objects.filter(pk=check.pk).update(status=SiteCheck.Status.RUNNING, started_at=timezone.now())
        save_crawl(check, crawl)
        failed = 1 if crawl.error else 0
    except Exception as exc:  # one broken result must not stop the run
        log.exception("saving site check %s failed", check.pk)
        fail_check(check, f"{exc.__class__.__name__}: {exc}")
        failed = 1
    SiteCheckRun.objects.filter(pk=run.pk).update(done=F("done") + 1, failed=F("failed") + failed)
    jobs.advance(job)
