"""Writes of the survey: questionnaire versions, campaigns, links, intake, review, suspicion.

The public intake (``submit_online``) is the hot path: one cached link lookup, one
aggregate query for the suspicion signals and one INSERT keyed by the client's UUID, so a
retried POST never duplicates and a failure never half-saves. Everything that a person
with a role does (publishing, entering paper questionnaires, excluding an answer) is
audited in the same transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import secrets
import statistics
import threading
import time
import uuid
import zoneinfo
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from audit.services import log_action, snapshot
from cycles.models import CycleOrganization
from surveys import conf, permissions
from surveys.models import Campaign, Item, Mode, Questionnaire, Response, SurveyLink
from surveys.questionnaire import Form, item_from_dict, load_definition

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed from paper
CODE_LENGTH = 6

# --- questionnaire versions ---------------------------------------------------------------------

_forms: dict[int, Form] = {}
_forms_lock = threading.Lock()


def get_questionnaire(code: str) -> Questionnaire:
    """The stored version CODE; a bundled version is loaded on first use (versions are immutable)."""
    found = Questionnaire.objects.filter(code=code).first()
    if found is not None:
        return found
    data = load_definition(code)
    Form.from_definition(data)  # refuses a self-contradicting definition before anything is stored
    with transaction.atomic():
        questionnaire, created = Questionnaire.objects.get_or_create(
            code=data["code"],
            defaults={
                "title": data.get("title", ""),
                "based_on": data.get("based_on", ""),
                "preamble": data.get("preamble", ""),
                "thanks": data.get("thanks", ""),
            },
        )
        if created:
            Item.objects.bulk_create(
                Item(questionnaire=questionnaire, position=position, **_item_fields(raw))
                for position, raw in enumerate(data["items"], start=1)
            )
    return questionnaire


def _item_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    item = item_from_dict(raw)
    fields = item.as_dict()
    fields["choices"] = [list(c) for c in item.choices]
    return fields


def form_for(questionnaire: Questionnaire | int) -> Form:
    """The engine for a stored version (cached per process: versions do not change)."""
    pk = questionnaire if isinstance(questionnaire, int) else questionnaire.pk
    form = _forms.get(pk)
    if form is not None:
        return form
    q = questionnaire if isinstance(questionnaire, Questionnaire) else Questionnaire.objects.get(pk=pk)
    rows = Item.objects.filter(questionnaire_id=pk).order_by("position").values()
    form = Form(
        q.code,
        [item_from_dict(row) for row in rows],
        title=q.title,
        preamble=q.preamble,
        thanks=q.thanks,
    )
    with _forms_lock:
        _forms[pk] = form
    return form


# --- campaigns and links ------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("not allowed for this cycle")


def save_campaign(
    user,
    cycle,
    *,
    opens_on: datetime.date,
    closes_on: datetime.date,
    target_share=None,
    target_cap: int | None = None,
) -> Campaign:
    """Create or change the survey of CYCLE (dates, target rule). The version is the cycle's."""
    _require(permissions.can_manage(user, cycle))
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "Дата окончания раньше даты начала"})
    if target_share is not None and not (0 < target_share <= 1):
        raise ValidationError({"target_share": "Доля должна быть больше 0 и не больше 1"})
    questionnaire = get_questionnaire(cycle.questionnaire_version)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(cycle=cycle).first()
        before = snapshot(campaign) if campaign else None
        if campaign is None:
            campaign = Campaign(cycle=cycle, questionnaire=questionnaire)
        elif campaign.questionnaire_id != questionnaire.pk:
            if Response.objects.filter(cycle_organization__cycle=cycle).exists():
                raise ValidationError("Анкеты уже собираются по прежней версии анкеты; версию сменить нельзя")
            campaign.questionnaire = questionnaire
        campaign.opens_on = opens_on
        campaign.closes_on = closes_on
        campaign.target_share = target_share
        campaign.target_cap = target_cap
        campaign.save()
        log_action(
            user,
            "surveys.campaign.saved",
            campaign,
            territory=cycle.territory,
            before=before,
            after=snapshot(campaign),
        )
    forget_links()
    return campaign


def publish_campaign(user, campaign: Campaign) -> int:
    """Open the questionnaire for the cycle (within its dates) and give every organization its link."""
    _require(permissions.can_manage(user, campaign.cycle))
    with transaction.atomic():
        campaign.status = Campaign.Status.PUBLISHED
        campaign.published_at = timezone.now()
        campaign.save(update_fields=["status", "published_at"])
        created = ensure_links(campaign)
        log_action(
            user,
            "surveys.campaign.published",
            campaign,
            territory=campaign.cycle.territory,
            data={"questionnaire": campaign.questionnaire.code, "links_created": created},
        )
    forget_links()
    return created


def new_link_code(rng=None) -> str:
    choose = rng.choice if rng is not None else secrets.choice
    return "".join(choose(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def ensure_links(campaign: Campaign, rng=None) -> int:
    """Create the missing links of the cycle's included organizations (idempotent)."""
    entries = CycleOrganization.objects.filter(cycle=campaign.cycle).included().filter(survey_link__isnull=True)
    missing = list(entries.values_list("pk", flat=True))
    if not missing:
        return 0
    used = set(SurveyLink.objects.values_list("code", flat=True)) if len(missing) > 50 else set()
    links = []
    for entry_id in missing:
        code = new_link_code(rng)
        while code in used or (not used and SurveyLink.objects.filter(code=code).exists()):
            code = new_link_code(rng)
        used.add(code)
        links.append(SurveyLink(cycle_organization_id=entry_id, code=code))
    SurveyLink.objects.bulk_create(links, batch_size=1000)
    return len(links)


def set_link_target(user, link: SurveyLink, target: int | None) -> SurveyLink:
    cycle = link.cycle_organization.cycle
    _require(permissions.can_manage(user, cycle))
    with transaction.atomic():
        before = link.target_override
        link.target_override = target
        link.save(update_fields=["target_override"])
        log_action(
            user,
            "surveys.link.target",
            link,
            organization=link.cycle_organization.organization,
            before={"target_override": before},
            after={"target_override": target},
        )
    return link


def target_of(campaign: Campaign, link: SurveyLink | None, recipients: int) -> int:
    if link is not None and link.target_override is not None:
        return link.target_override
    return campaign.target_for(recipients)


# --- the link cache of the public intake ----------------------------------------------------------


@dataclass(frozen=True)
class LinkInfo:
    code: str
    link_id: int
    cycle_id: int
    cycle_organization_id: int
    organization_name: str
    organization_full_name: str
    timezone: str
    questionnaire_id: int | None
    campaign: Campaign | None

    def state(self, now: datetime.datetime | None = None) -> str:
        if self.campaign is None:
            return "draft"
        return self.campaign.state_for(self.timezone, now)


_link_cache: dict[str, tuple[float, LinkInfo | None]] = {}
LINK_CACHE_SECONDS = 30.0


def forget_links() -> None:
    _link_cache.clear()


def resolve_link(code: str) -> LinkInfo | None:
    code = (code or "").upper()
    if len(code) > 12:
        return None
    hit = _link_cache.get(code)
    now = time.monotonic()
    if hit is not None and now - hit[0] < LINK_CACHE_SECONDS:
        return hit[1]
    link = (
        SurveyLink.objects.select_related(
            "cycle_organization__organization__territory",
            "cycle_organization__cycle__survey_campaign",
            "cycle_organization__cycle",
        )
        .filter(code=code)
        .first()
    )
    info = None
    if link is not None and link.cycle_organization.status == CycleOrganization.Status.INCLUDED:
        entry = link.cycle_organization
        campaign = getattr(entry.cycle, "survey_campaign", None)
        org = entry.organization
        info = LinkInfo(
            code=link.code,
            link_id=link.pk,
            cycle_id=entry.cycle_id,
            cycle_organization_id=entry.pk,
            organization_name=str(org),
            organization_full_name=org.full_name,
            timezone=org.effective_timezone,
            questionnaire_id=campaign.questionnaire_id if campaign else None,
            campaign=campaign,
        )
    if len(_link_cache) > 50_000:
        _link_cache.clear()
    _link_cache[code] = (now, info)
    return info


# --- anonymity: salted hashes of network data ----------------------------------------------------


def _salt(cycle_id: int) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"surveys:{cycle_id}".encode(), hashlib.sha256).digest()


def _h(salt: bytes, value: str) -> str:
    return hashlib.blake2b(value.encode(), key=salt[:32], digest_size=8).hexdigest()


def network_hashes(cycle_id: int, ip: str, device_token: str = "", user_agent: str = "") -> tuple[str, str, str]:
    """(address, network, device) hashes, salted per cycle; the address itself is never stored."""
    salt = _salt(cycle_id)
    ip = (ip or "").strip()
    try:
        address = ipaddress.ip_address(ip)
        prefix = 24 if address.version == 4 else 48
        network = str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
    except ValueError:
        address, network = None, ""
    ip_hash = _h(salt, f"ip:{address}") if address else ""
    net_hash = _h(salt, f"net:{network}") if network else ""
    if device_token:
        device = _h(salt, f"dev:{device_token}")
    elif user_agent:
        device = _h(salt, f"ua:{user_agent}|{address}")
    else:
        device = ""
    return ip_hash, net_hash, device


# --- suspicion ------------------------------------------------------------------------------------


@dataclass
class Signals:
    duration: int | None
    median: float | None
    sample: int
    straight_line: bool
    same_device_before: int
    same_network_recent: int  # earlier answers from the network within the burst window
    same_address_today: int  # earlier answers from the address this local day (school hours only)
    local_time: datetime.datetime


def evaluate(signals: Signals) -> tuple[list[str], int]:
    """The flags a response earns and their total weight."""
    flags: list[str] = []
    if signals.duration is not None:
        fast = signals.duration < conf.speeder_floor_seconds()
        if signals.median and signals.sample >= conf.speeder_min_sample():
            fast = fast or signals.duration < conf.speeder_share() * signals.median
        if fast:
            flags.append("speeder")
    if signals.straight_line:
        flags.append("straight_line")
    if signals.same_device_before > 0:
        flags.append("device_repeat")
    burst_count, _window = conf.burst()
    if signals.same_network_recent + 1 >= burst_count:
        flags.append("burst")
    _first, _last, same = conf.school_hours()
    if _in_school_hours(signals.local_time) and signals.same_address_today + 1 >= same:
        flags.append("school_hours")
    weights = conf.flag_weights()
    return flags, sum(weights.get(f, 0) for f in flags)


def _in_school_hours(local: datetime.datetime) -> bool:
    first, last, _same = conf.school_hours()
    return local.weekday() < 5 and first <= local.hour < last


FLAG_LABELS = {
    "speeder": "слишком быстро заполнена",
    "straight_line": "все ответы одинаковые",
    "device_repeat": "повтор с того же устройства",
    "burst": "много анкет из одной сети за короткое время",
    "school_hours": "несколько анкет с одного адреса в учебное время",
}

_medians: dict[int, tuple[float, float | None, int]] = {}
MEDIAN_CACHE_SECONDS = 300.0


def _median(cycle_organization_id: int) -> tuple[float | None, int]:
    hit = _medians.get(cycle_organization_id)
    now = time.monotonic()
    if hit is not None and now - hit[0] < MEDIAN_CACHE_SECONDS:
        return hit[1], hit[2]
    durations = list(
        Response.objects.filter(cycle_organization_id=cycle_organization_id, duration_seconds__isnull=False)
        .order_by("-id")
        .values_list("duration_seconds", flat=True)[:301]
    )
    median = statistics.median(durations) if durations else None
    if len(_medians) > 50_000:
        _medians.clear()
    _medians[cycle_organization_id] = (now, median, len(durations))
    return median, len(durations)


def forget_medians() -> None:
    _medians.clear()


def _local(now: datetime.datetime, tz_name: str) -> datetime.datetime:
    return now.astimezone(zoneinfo.ZoneInfo(tz_name or settings.TIME_ZONE))


def _inline_signals(
    info: LinkInfo,
    form: Form,
    answers: Mapping[str, Any],
    duration: int | None,
    hashes: tuple[str, str, str],
    now: datetime.datetime,
) -> Signals:
    ip_hash, net_hash, device = hashes
    local = _local(now, info.timezone)
    _count, window = conf.burst()
    since = now - datetime.timedelta(seconds=window)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    check_address = bool(ip_hash) and _in_school_hours(local)
    conditions = Q(pk__in=[])
    aggregates: dict[str, Any] = {}
    if device:
        conditions |= Q(device_hash=device)
        aggregates["dev"] = Count("id", filter=Q(device_hash=device))
    if net_hash:
        conditions |= Q(network_hash=net_hash, submitted_at__gte=since)
        aggregates["net"] = Count("id", filter=Q(network_hash=net_hash, submitted_at__gte=since))
    if check_address:
        conditions |= Q(ip_hash=ip_hash, submitted_at__gte=day_start)
        aggregates["addr"] = Count("id", filter=Q(ip_hash=ip_hash, submitted_at__gte=day_start))
    counts: dict[str, int] = {}
    if aggregates:
        counts = Response.objects.filter(conditions, cycle_organization_id=info.cycle_organization_id).aggregate(
            **aggregates
        )
    median, sample = _median(info.cycle_organization_id) if duration is not None else (None, 0)
    return Signals(
        duration=duration,
        median=median,
        sample=sample,
        straight_line=form.is_straight_line(answers, conf.straight_line_min_items()),
        same_device_before=counts.get("dev") or 0,
        same_network_recent=counts.get("net") or 0,
        same_address_today=counts.get("addr") or 0,
        local_time=local,
    )


# --- intake -----------------------------------------------------------------------------------------


class IntakeRefused(Exception):
    """The submission cannot be stored (closed survey, client id used for another organization)."""


def submit_online(
    info: LinkInfo,
    answers: Mapping[str, Any],
    client_id: uuid.UUID,
    *,
    duration: int | None = None,
    ip: str = "",
    device_token: str = "",
    user_agent: str = "",
    now: datetime.datetime | None = None,
) -> tuple[int, bool]:
    """Store one validated online questionnaire; returns (response id, created).

    A second POST with the same CLIENT_ID returns the first response (created=False).
    """
    now = now or timezone.now()
    if info.state(now) != "open" or info.questionnaire_id is None:
        raise IntakeRefused("survey is not open")
    existing = Response.objects.filter(client_id=client_id).values_list("pk", "cycle_organization_id").first()
    if existing is not None:
        return _same_organization(existing, info)
    form = form_for(info.questionnaire_id)
    hashes = network_hashes(info.cycle_id, ip, device_token, user_agent)
    signals = _inline_signals(info, form, answers, duration, hashes, now)
    flags, score = evaluate(signals)
    yes, answered = Form.bits(answers)
    response = Response(
        client_id=client_id,
        cycle_organization_id=info.cycle_organization_id,
        questionnaire_id=info.questionnaire_id,
        mode=Mode.ONLINE,
        respondent_group=str(answers.get("respondent_group", "")),
        answers=dict(answers),
        yes_bits=yes,
        answered_bits=answered,
        status=Response.Status.REVIEW if score >= conf.hold_score() else Response.Status.ACCEPTED,
        flags=" ".join(flags),
        suspicion=score,
        submitted_at=now,
        duration_seconds=duration,
        ip_hash=hashes[0],
        network_hash=hashes[1],
        device_hash=hashes[2],
    )
    try:
        with transaction.atomic():
            response.save(force_insert=True)
    except IntegrityError:
        existing = Response.objects.filter(client_id=client_id).values_list("pk", "cycle_organization_id").first()
        if existing is None:
            raise
        return _same_organization(existing, info)
    return response.pk, True


def _same_organization(existing: tuple[int, int], info: LinkInfo) -> tuple[int, bool]:
    pk, entry_id = existing
    if entry_id != info.cycle_organization_id:
        raise IntakeRefused("client id already used for another organization")
    return pk, False


def enter_response(
    user,
    entry: CycleOrganization,
    answers: Mapping[str, Any],
    *,
    mode: str,
    paper_number: str = "",
    client_id: uuid.UUID | None = None,
    submitted_at: datetime.datetime | None = None,
) -> tuple[Response, bool]:
    """A paper, telephone or interview questionnaire entered by the operator (audited, idempotent by client id)."""
    _require(permissions.can_enter(user, entry.cycle))
    if mode not in {Mode.PAPER, Mode.PHONE, Mode.INTERVIEW}:
        raise ValidationError({"mode": "Способ опроса: бумага, телефон или интервью"})
    campaign = Campaign.objects.filter(cycle_id=entry.cycle_id).first()
    if campaign is None:
        raise ValidationError("Для цикла не подготовлен опрос")
    if entry.status != CycleOrganization.Status.INCLUDED:
        raise ValidationError("Организация исключена из списка цикла")
    form = form_for(campaign.questionnaire_id)
    result = form.clean(answers, require=False, lenient_skips=False)
    if not result.ok:
        raise ValidationError({code: [message] for code, message in result.errors.items()})
    if paper_number and client_id is None:
        client_id = uuid.uuid5(uuid.NAMESPACE_URL, f"noko:survey:{entry.pk}:{paper_number.strip()}")
    client_id = client_id or uuid.uuid4()
    existing = Response.objects.filter(client_id=client_id).first()
    if existing is not None:
        if existing.cycle_organization_id != entry.pk:
            raise ValidationError("Идентификатор анкеты уже использован для другой организации")
        return existing, False
    yes, answered = Form.bits(result.answers)
    with transaction.atomic():
        response = Response.objects.create(
            client_id=client_id,
            cycle_organization=entry,
            questionnaire_id=campaign.questionnaire_id,
            mode=mode,
            respondent_group=str(result.answers.get("respondent_group", "")),
            answers=result.answers,
            yes_bits=yes,
            answered_bits=answered,
            submitted_at=submitted_at or timezone.now(),
            paper_number=paper_number.strip()[:40],
            entered_by=user,
        )
        log_action(
            user,
            "surveys.response.entered",
            response,
            organization=entry.organization,
            after={"mode": mode, "paper_number": response.paper_number, "answers": result.answers},
        )
    return response, True


# --- review -----------------------------------------------------------------------------------------

DECISIONS = {
    "accept": (Response.Status.ACCEPTED, "surveys.response.accepted"),
    "exclude": (Response.Status.EXCLUDED, "surveys.response.excluded"),
    "restore": (Response.Status.ACCEPTED, "surveys.response.restored"),
}


def review(user, responses: Iterable[Response], decision: str, reason: str) -> int:
    """Accept a held questionnaire, exclude one, or restore an excluded one — with a reason, audited."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Неизвестное решение"})
    reason = (reason or "").strip()
    if decision in ("exclude", "restore") and not reason:
        raise ValidationError({"reason": "Укажите основание решения"})
    status, action = DECISIONS[decision]
    items = list(responses)
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        for response in items:
            _require(permissions.can_review(user, response.cycle_organization.cycle))
            if decision == "restore" and response.status != Response.Status.EXCLUDED:
                continue
            if response.status == status:
                continue
            before = {"status": response.status, "review_reason": response.review_reason}
            Response.objects.filter(pk=response.pk).update(
                status=status, reviewed_by=user, reviewed_at=now, review_reason=reason
            )
            response.status, response.reviewed_by, response.reviewed_at, response.review_reason = (
                status,
                user,
                now,
                reason,
            )
            log_action(
                user,
                action,
                response,
                organization=response.cycle_organization.organization,
                before=before,
                after={"status": status, "review_reason": reason},
                data={"flags": response.flags},
            )
            changed += 1
    return changed


def rescore(entry_id: int) -> dict[str, int]:
    """Recompute the suspicion flags of one organization's questionnaires in submission order.

    Questionnaires nobody has reviewed are held or released by the new score; reviewed ones keep
    the operator's decision and only get their flags refreshed.
    """
    rows = list(
        Response.objects.filter(cycle_organization_id=entry_id)
        .order_by("submitted_at", "id")
        .select_related("cycle_organization__organization__territory")
        .only(
            "id",
            "answers",
            "duration_seconds",
            "ip_hash",
            "network_hash",
            "device_hash",
            "submitted_at",
            "status",
            "reviewed_at",
            "flags",
            "suspicion",
            "questionnaire_id",
            "mode",
            "cycle_organization__organization__timezone",
            "cycle_organization__organization__territory__timezone",
        )
    )
    if not rows:
        return {"checked": 0, "held": 0, "changed": 0}
    tz_name = rows[0].cycle_organization.organization.effective_timezone
    durations = [r.duration_seconds for r in rows if r.duration_seconds is not None]
    median = statistics.median(durations) if durations else None
    devices: dict[str, int] = defaultdict(int)
    networks: dict[str, deque] = defaultdict(deque)
    addresses: dict[tuple[str, datetime.date], int] = defaultdict(int)
    _burst, window = conf.burst()
    changed: list[Response] = []
    held = 0
    for response in rows:
        if response.mode != Mode.ONLINE:
            continue
        form = form_for(response.questionnaire_id)
        local = _local(response.submitted_at, tz_name)
        recent = networks[response.network_hash] if response.network_hash else deque()
        while recent and (response.submitted_at - recent[0]).total_seconds() > window:
            recent.popleft()
        signals = Signals(
            duration=response.duration_seconds,
            median=median,
            sample=len(durations),
            straight_line=form.is_straight_line(response.answers, conf.straight_line_min_items()),
            same_device_before=devices[response.device_hash] if response.device_hash else 0,
            same_network_recent=len(recent),
            same_address_today=addresses[(response.ip_hash, local.date())]
            if response.ip_hash and _in_school_hours(local)
            else 0,
            local_time=local,
        )
        flags, score = evaluate(signals)
        if response.device_hash:
            devices[response.device_hash] += 1
        if response.network_hash:
            recent.append(response.submitted_at)
        if response.ip_hash:
            addresses[(response.ip_hash, local.date())] += 1
        status = response.status
        if response.reviewed_at is None and status != Response.Status.EXCLUDED:
            status = Response.Status.REVIEW if score >= conf.hold_score() else Response.Status.ACCEPTED
        held += status == Response.Status.REVIEW
        new_flags = " ".join(flags)
        if (new_flags, score, status) != (response.flags, response.suspicion, response.status):
            response.flags, response.suspicion, response.status = new_flags, score, status
            changed.append(response)
    Response.objects.bulk_update(changed, ["flags", "suspicion", "status"], batch_size=1000)
    forget_medians()
    return {"checked": len(rows), "held": held, "changed": len(changed)}


def rescore_cycle(cycle_id: int, progress=None) -> dict[str, int]:
    """``rescore`` every organization of a cycle; PROGRESS(step) is called after each one."""
    totals = {"checked": 0, "held": 0, "changed": 0}
    for entry_id in CycleOrganization.objects.filter(cycle_id=cycle_id).values_list("pk", flat=True):
        for key, value in rescore(entry_id).items():
            totals[key] += value
        if progress is not None:
            progress(1)
    return totals


def purge_network_hashes(user, cycle) -> int:
    """Forget the address, network and device hashes of a finished cycle (anonymity)."""
    _require(permissions.can_manage(user, cycle))
    with transaction.atomic():
        count = (
            Response.objects.filter(cycle_organization__cycle=cycle)
            .exclude(ip_hash="", network_hash="", device_hash="")
            .update(ip_hash="", network_hash="", device_hash="")
        )
        log_action(user, "surveys.hashes.purged", cycle, territory=cycle.territory, data={"responses": count})
    return count
