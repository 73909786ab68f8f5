"""Writes of the bus.gov.ru bridge (views, the API, jobs, commands and the demo call these) and the rules
they rest on: who may do what, the effective settings of a territory, placement deadlines.

Reads for pages live in ``busgov.monitoring`` (dashboards) and ``busgov.exports`` (packages); file parsing in
``busgov.importers``. Scores are never computed here: packages read ``scoring.Result``/``Rating``/``Shortcoming``
and plans are read through ``plans.services``.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.scopes import scope_for
from audit.services import log_action, snapshot
from busgov import workdays
from busgov.choices import (
    Duty,
    ImportKind,
    ImportStatus,
    InfoKind,
    LayoutKind,
    NoticeKind,
    PlacementSource,
    PlacementStatus,
    ReviewSource,
)
from busgov.models import (
    CampaignActivity,
    CitizenReview,
    CycleSchedule,
    ExportPackage,
    ImportBatch,
    Layout,
    Notice,
    Placement,
    ResponsibleOfficial,
    ReviewResponse,
    TerritorySettings,
    Topic,
)
from busgov.tagging import Tagger, TopicRule
from cycles.models import Cycle, CycleOrganization
from registry.models import Organization, Territory

# --- who may do what -------------------------------------------------------------------------------------


def managed_territory_ids(user) -> frozenset[int] | None:
    """Territories whose authority USER acts for; None = every territory (administrator)."""
    scope = scope_for(user)
    if scope.sees_everything:
        return None
    return scope.territories_for(Role.REGIONAL, Role.MUNICIPAL)


def is_authority(user) -> bool:
    ids = managed_territory_ids(user)
    return ids is None or bool(ids)


def can_manage_territory(user, territory_id: int | None) -> bool:
    ids = managed_territory_ids(user)
    return ids is None or (territory_id is not None and territory_id in ids)


def is_staff_of(user, organization_id: int) -> bool:
    scope = scope_for(user)
    return Role.ORG_STAFF in scope.roles and organization_id in scope.organization_ids


def can_manage_organization(user, organization: Organization) -> bool:
    """The founder's authority (its territory or the region) or the organization's own staff."""
    return can_manage_territory(user, organization.territory_id) or is_staff_of(user, organization.pk)


def can_manage_cycle(user, cycle: Cycle) -> bool:
    return can_manage_territory(user, cycle.territory_id)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- settings of a territory (UNCONFIRMED deadlines as data) ---------------------------------------------


def settings_for(territory: Territory | None) -> TerritorySettings:
    """The territory's own settings, else its region's, else the defaults (an unsaved row)."""
    node = territory
    while node is not None:
        found = TerritorySettings.objects.filter(territory=node).first()
        if found is not None:
            return found
        node = node.parent
    return TerritorySettings(territory=territory) if territory is not None else TerritorySettings()


SETTINGS_FIELDS = [
    "officials_due_month",
    "officials_due_day",
    "results_working_days",
    "plans_working_days",
    "negative_max_rating",
    "results_layout",
    "plans_layout",
    "reviews_layout",
    "status_layout",
]


def save_settings(user, territory: Territory, data: dict[str, Any]) -> TerritorySettings:
    _require(can_manage_territory(user, territory.pk), "Настройки меняет орган управления этой территории.")
    row = TerritorySettings.objects.filter(territory=territory).first() or TerritorySettings(territory=territory)
    before = snapshot(row, SETTINGS_FIELDS) if row.pk else None
    for name in SETTINGS_FIELDS:
        if name in data and data[name] not in (None, ""):
            setattr(row, name, data[name])
    try:
        datetime.date(2024, row.officials_due_month, row.officials_due_day)
    except ValueError as exc:
        raise ValidationError({"officials_due_day": "Такой даты нет в календаре."}) from exc
    if not 1 <= row.negative_max_rating <= 4:
        raise ValidationError({"negative_max_rating": "Порог отрицательной оценки — от 1 до 4."})
    for name, kind in (
        ("results_layout", LayoutKind.RESULTS),
        ("plans_layout", LayoutKind.PLANS),
        ("reviews_layout", LayoutKind.REVIEWS),
        ("status_layout", LayoutKind.STATUS),
    ):
        if not Layout.objects.filter(code=getattr(row, name), kind=kind).exists():
            raise ValidationError({name: f"Макета «{getattr(row, name)}» нет среди макетов этого вида."})
    with transaction.atomic():
        row.save()
        log_action(user, "busgov.settings.saved", row, territory=territory, before=before, after=snapshot(row))
    return row


def officials_due(territory: Territory | None, year: int) -> datetime.date:
    conf = settings_for(territory)
    return datetime.date(year, conf.officials_due_month, conf.officials_due_day)


def today_for(territory: Territory | None = None) -> datetime.date:
    from plans.models import local_today

    return local_today(territory.timezone if territory is not None else "")


def ensure_shipped() -> None:
    """(Re)create the shipped layouts and topics from ``busgov/data`` if their rows are missing (a flushed
    database); existing rows, possibly edited by a region, are left as they are."""
    import json
    from pathlib import Path

    data = Path(__file__).resolve().parent / "data"
    for path in sorted((data / "layouts").glob("*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        Layout.objects.get_or_create(
            code=item["code"],
            defaults={
                "kind": item["kind"],
                "title": item["title"],
                "basis": item["basis"],
                "definition": item["definition"],
            },
        )
    if not Topic.objects.exists():
        from busgov.tagging import shipped

        topics = shipped()
        for order, topic in enumerate(topics["topics"], start=1):
            Topic.objects.create(
                code=topic["code"],
                label=topic["label"],
                criterion_code=topic.get("criterion", ""),
                keywords=topic["keywords"],
                order=order,
            )
        Topic.objects.create(
            code="negative",
            label="отрицательная тональность",
            keywords=topics["negative_markers"],
            marks_negative=True,
            order=100,
        )


def find_layout(code: str) -> Layout | None:
    found = Layout.objects.filter(code=code).first()
    if found is None:
        ensure_shipped()
        found = Layout.objects.filter(code=code).first()
    return found


def layout(code: str, kind: str) -> Layout:
    found = Layout.objects.filter(code=code, kind=kind).first()
    if found is None:
        ensure_shipped()
        found = Layout.objects.filter(code=code, kind=kind).first()
    if found is None:
        raise ValidationError(f"Макет «{code}» ({kind}) не найден: добавьте его в «Макеты файлов bus.gov.ru».")
    return found


# --- responsible officials -------------------------------------------------------------------------------

OFFICIAL_FIELDS = [
    "territory",
    "organization",
    "full_name",
    "position",
    "phone",
    "email",
    "duties",
    "order_number",
    "order_date",
    "period_start",
    "period_end",
]


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _clean_official(official: ResponsibleOfficial) -> None:
    errors: dict[str, str] = {}
    if bool(official.territory_id) == bool(official.organization_id):
        errors["organization"] = "Укажите либо организацию, либо орган управления (территорию) — одно из двух."
    elif official.organization_id and not Organization.objects.filter(pk=official.organization_id).exists():
        errors["organization"] = f"Нет организации с номером {official.organization_id}."
    elif official.territory_id and not Territory.objects.filter(pk=official.territory_id).exists():
        errors["territory"] = f"Нет территории с номером {official.territory_id}."
    if not official.full_name:
        errors["full_name"] = "Укажите фамилию, имя, отчество."
    if not official.position:
        errors["position"] = "Укажите должность."
    unknown = [d for d in official.duties if d not in Duty.values]
    if unknown:
        errors["duties"] = f"Неизвестные обязанности: {', '.join(unknown)}."
    elif not official.duties:
        errors["duties"] = "Отметьте хотя бы одну обязанность."
    if official.email:
        try:
            validate_email(official.email)
        except ValidationError:
            errors["email"] = f"Неверный адрес электронной почты: {official.email}"
    if official.period_start and official.period_end and official.period_end < official.period_start:
        errors["period_end"] = "Окончание периода раньше его начала."
    if errors:
        raise ValidationError(errors)


def save_official(user, data: dict[str, Any], official: ResponsibleOfficial | None = None) -> ResponsibleOfficial:
    """Create or change a responsible official (DATA: the fields of ``OFFICIAL_FIELDS``; files as ``order_file``)."""
    creating = official is None
    official = official or ResponsibleOfficial()
    if not creating:
        _require(_may_edit_official(user, official), "Изменять сведения об этом должностном лице нельзя.")
    before = None if creating else snapshot(official, OFFICIAL_FIELDS)
    for name in OFFICIAL_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in ("territory", "organization"):
            setattr(official, f"{name}_id", getattr(value, "pk", value) or None)
        elif name == "duties":
            setattr(official, name, sorted({str(d) for d in (value or [])}))
        elif name in ("order_date", "period_start", "period_end"):
            setattr(official, name, value or None)
        else:
            setattr(official, name, _text(value))
    if data.get("order_file") is not None:
        official.order_file = data["order_file"]
    _clean_official(official)
    _require(_may_edit_official(user, official), "Назначать ответственных можно только в своей зоне ответственности.")
    with transaction.atomic():
        official.save()
        log_action(
            user,
            "busgov.official.created" if creating else "busgov.official.changed",
            official,
            organization=official.organization,
            territory=official.territory,
            before=before,
            after=snapshot(official, OFFICIAL_FIELDS),
        )
    return official


def _may_edit_official(user, official: ResponsibleOfficial) -> bool:
    if official.organization_id:
        org = official.organization if official.organization_id else None
        return org is not None and can_manage_organization(user, org)
    return can_manage_territory(user, official.territory_id)


def delete_official(user, official: ResponsibleOfficial) -> None:
    _require(_may_edit_official(user, official), "Удалять сведения об этом должностном лице нельзя.")
    with transaction.atomic():
        before = snapshot(official, OFFICIAL_FIELDS)
        log_action(
            user,
            "busgov.official.deleted",
            official,
            organization=official.organization,
            territory=official.territory,
            before=before,
        )
        official.delete()


# --- placement deadlines and marks -----------------------------------------------------------------------


@dataclass
class Deadline:
    start: datetime.date | None
    due: datetime.date | None
    working_days: int
    basis: str
    calendar_known: bool = True


def _council_dates(cycles: list[Cycle]) -> dict[int, tuple[datetime.date, str]]:
    """Per cycle id: the earliest adopted council decision approving its results (meeting day, wording)."""
    from django.contrib.contenttypes.models import ContentType

    from council.models import Decision, DecisionKind

    if not cycles:
        return {}
    found: dict[int, tuple[datetime.date, str]] = {}
    decisions = (
        Decision.objects.adopted()
        .filter(
            kind=DecisionKind.APPROVE_RESULTS,
            target_type=ContentType.objects.get_for_model(Cycle),
            target_id__in=[c.pk for c in cycles],
        )
        .select_related("meeting")
        .order_by("meeting__date", "pk")
    )
    for decision in decisions:
        if decision.target_id in found:
            continue
        number = decision.meeting.number or "—"
        found[decision.target_id] = (
            decision.meeting.date,
            f"решение общественного совета (протокол № {number} от {decision.meeting.date:%d.%m.%Y})",
        )
    return found


def council_results_date(cycle: Cycle) -> tuple[datetime.date | None, str]:
    """The date of the adopted council decision approving the cycle's results (the meeting day), if any."""
    return _council_dates([cycle]).get(cycle.pk, (None, ""))


def results_deadlines(cycles: list[Cycle]) -> dict[int, Deadline]:
    """«В течение N рабочих дней после поступления информации о результатах от общественного совета», per cycle.

    The start is the date the authority entered (``CycleSchedule``), else the council decision's meeting day.
    """
    schedules = {s.cycle_id: s for s in CycleSchedule.objects.filter(cycle__in=cycles)}
    council = _council_dates(cycles)
    confs: dict[int, TerritorySettings] = {}
    result = {}
    for cycle in cycles:
        if cycle.territory_id not in confs:
            confs[cycle.territory_id] = settings_for(cycle.territory)
        schedule = schedules.get(cycle.pk)
        days = (schedule.results_working_days if schedule else None) or confs[cycle.territory_id].results_working_days
        if schedule and schedule.results_received_on:
            start, basis = schedule.results_received_on, "дата поступления результатов (указана органом управления)"
        else:
            start, basis = council.get(cycle.pk, (None, ""))
        if start is None:
            result[cycle.pk] = Deadline(None, None, days, "нет решения общественного совета об утверждении результатов")
            continue
        due = workdays.add_working_days(start, days)
        known = workdays.calendar_known(start.year) and workdays.calendar_known(due.year)
        result[cycle.pk] = Deadline(start, due, days, basis, known)
    return result


def results_deadline(cycle: Cycle) -> Deadline:
    return results_deadlines([cycle])[cycle.pk]


def plan_deadline(plan, conf: TerritorySettings | None = None) -> Deadline:
    conf = conf or settings_for(plan.cycle.territory)
    days = conf.plans_working_days
    if not plan.approved_on:
        return Deadline(None, None, days, "план не утверждён")
    due = workdays.add_working_days(plan.approved_on, days)
    return Deadline(plan.approved_on, due, days, "дата утверждения плана", workdays.calendar_known(due.year))


def save_cycle_schedule(
    user, cycle: Cycle, received_on: datetime.date | None, working_days: int | None, note: str = ""
) -> CycleSchedule:
    _require(can_manage_cycle(user, cycle), "Сроки размещения меняет орган управления, проводящий оценку.")
    if working_days is not None and not 1 <= working_days <= 60:
        raise ValidationError({"results_working_days": "Срок — от 1 до 60 рабочих дней."})
    with transaction.atomic():
        schedule, _created = CycleSchedule.objects.get_or_create(cycle=cycle)
        before = snapshot(schedule)
        schedule.results_received_on = received_on
        schedule.results_working_days = working_days
        schedule.note = _text(note)
        schedule.save()
        log_action(
            user, "busgov.schedule.saved", schedule, territory=cycle.territory, before=before, after=snapshot(schedule)
        )
    return schedule


PLACEMENT_FIELDS = ["kind", "status", "placed_on", "url", "source", "note", "package"]


def _validate_url(url: str, field: str = "url") -> str:
    url = _text(url)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise ValidationError({field: f"Ссылка должна начинаться с http:// или https://: {url}"}) from exc
    return url


def mark_placement(
    user,
    entry: CycleOrganization,
    kind: str,
    *,
    status: str = PlacementStatus.PLACED,
    placed_on: datetime.date | None = None,
    url: str = "",
    note: str = "",
    source: str = PlacementSource.MANUAL,
    package: ExportPackage | None = None,
) -> Placement:
    """Record that the results or the plan of ENTRY are (or are not) placed on bus.gov.ru."""
    _require(
        can_manage_organization(user, entry.organization),
        "Отметку о размещении ставит орган управления или организация.",
    )
    if kind not in InfoKind.values:
        raise ValidationError({"kind": f"Неизвестный вид информации: {kind}"})
    if status not in PlacementStatus.values:
        raise ValidationError({"status": f"Неизвестное состояние: {status}"})
    url = _validate_url(url)
    if status == PlacementStatus.PLACED:
        placed_on = placed_on or today_for(entry.organization.territory)
        if placed_on > today_for(entry.organization.territory) + datetime.timedelta(days=1):
            raise ValidationError({"placed_on": "Дата размещения не может быть в будущем."})
    else:
        placed_on = None
    with transaction.atomic():
        placement = Placement.objects.filter(cycle_organization=entry, kind=kind).first()
        before = snapshot(placement, PLACEMENT_FIELDS) if placement else None
        placement = placement or Placement(cycle_organization=entry, kind=kind)
        placement.status = status
        placement.placed_on = placed_on
        if url or status != PlacementStatus.PLACED:
            placement.url = url
        placement.note = _text(note)[:500]
        placement.source = source
        placement.package = package or placement.package
        placement.updated_by = user if getattr(user, "is_authenticated", False) else None
        placement.save()
        after = snapshot(placement, PLACEMENT_FIELDS)
        if before != after:
            log_action(
                user,
                "busgov.placement.marked",
                placement,
                organization=entry.organization,
                before=before,
                after=after,
                data={"cycle": entry.cycle_id},
            )
    return placement


# --- export packages -------------------------------------------------------------------------------------


def start_export(user, cycle: Cycle, kind: str) -> ExportPackage:
    """Validate and queue the generation of a package; the file is put on the job."""
    from busgov import exports
    from jobs.services import enqueue

    _require(can_manage_cycle(user, cycle), "Пакет для размещения формирует орган управления, проводящий оценку.")
    conf = settings_for(cycle.territory)
    code = conf.results_layout if kind == InfoKind.RESULTS else conf.plans_layout
    the_layout = layout(code, LayoutKind.RESULTS if kind == InfoKind.RESULTS else LayoutKind.PLANS)
    problems = exports.validate(cycle, kind, the_layout)
    blocking = [p for p in problems if p["level"] == "error"]
    if blocking:
        raise ValidationError([p["message"] for p in blocking])
    with transaction.atomic():
        package = ExportPackage.objects.create(
            cycle=cycle,
            kind=kind,
            layout_code=code,
            problems=problems,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        log_action(
            user,
            "busgov.package.started",
            package,
            territory=cycle.territory,
            data={"kind": kind, "layout": code, "problems": len(problems)},
        )
    job = enqueue(
        "busgov.export",
        f"Пакет для bus.gov.ru: {package.get_kind_display()}, {cycle}",
        user,
        package_id=package.pk,
    )
    ExportPackage.objects.filter(pk=package.pk).update(job=job)
    package.refresh_from_db()
    return package


# --- citizens' reviews -----------------------------------------------------------------------------------


def tagger() -> Tagger:
    if not Topic.objects.exists():
        ensure_shipped()
    topics = list(Topic.objects.filter(active=True))
    rules = [TopicRule(t.code, t.label, t.criterion_code, tuple(t.keywords)) for t in topics if not t.marks_negative]
    negative = [k for t in topics if t.marks_negative for k in t.keywords]
    return Tagger(rules, negative)


def classify(
    text: str, rating: int | None, criterion_ratings: dict, tag: Tagger, negative_max: int
) -> tuple[list[str], list[str], bool]:
    """Topics, НОКО criteria and the negative flag of one review (rating first, words if there is no rating)."""
    topics = tag.topics(text)
    criteria = tag.criteria(topics)
    if rating:
        negative = rating <= negative_max
    elif criterion_ratings:
        values = [v for v in criterion_ratings.values() if v]
        negative = bool(values) and sum(values) / len(values) <= negative_max
    else:
        negative = tag.sounds_negative(text)
    return topics, criteria, negative


def review_key(external_id: str, organization_id: int, posted_on: datetime.date, author: str, text: str) -> str:
    if external_id:
        return f"id:{external_id}"[:80]
    digest = hashlib.sha256(f"{organization_id}|{posted_on.isoformat()}|{author}|{text}".encode()).hexdigest()
    return f"h:{digest[:60]}"


REVIEW_FIELDS = ["posted_on", "author", "rating", "criterion_ratings", "text", "topics", "criteria", "is_negative"]


def add_review(user, organization: Organization, data: dict[str, Any]) -> CitizenReview:
    """Manual entry of a review seen on bus.gov.ru (or received otherwise)."""
    _require(can_manage_organization(user, organization), "Вносить отзывы можно только по своим организациям.")
    posted_on = data.get("posted_on")
    if not posted_on:
        raise ValidationError({"posted_on": "Укажите дату отзыва."})
    rating = data.get("rating") or None
    if rating is not None and not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": "Оценка — от 1 до 5."})
    text = (data.get("text") or "").strip()
    if not text and rating is None:
        raise ValidationError({"text": "Нужен текст отзыва или оценка."})
    author = _text(data.get("author"))
    external_id = _text(data.get("external_id"))
    conf = settings_for(organization.territory)
    topics, criteria, negative = classify(text, rating, {}, tagger(), conf.negative_max_rating)
    key = review_key(external_id, organization.pk, posted_on, author, text)
    if CitizenReview.objects.filter(organization=organization, key=key).exists():
        raise ValidationError("Такой отзыв уже внесён.")
    with transaction.atomic():
        review = CitizenReview.objects.create(
            organization=organization,
            key=key,
            external_id=external_id,
            posted_on=posted_on,
            author=author,
            rating=rating,
            text=text,
            topics=topics,
            criteria=criteria,
            is_negative=negative,
            source=ReviewSource.MANUAL,
        )
        log_action(
            user, "busgov.review.added", review, organization=organization, after=snapshot(review, REVIEW_FIELDS)
        )
    return review


def retag_reviews(user=None, queryset=None) -> int:
    """Re-apply the topic rules (after they were edited) to reviews; returns how many changed."""
    tag = tagger()
    changed = []
    queryset = queryset if queryset is not None else CitizenReview.objects.all()
    limits: dict[int, int] = {}
    for review in queryset.select_related("organization__territory").iterator(chunk_size=2000):
        territory_id = review.organization.territory_id
        if territory_id not in limits:
            limits[territory_id] = settings_for(review.organization.territory).negative_max_rating
        topics, criteria, negative = classify(
            review.text, review.rating, review.criterion_ratings, tag, limits[territory_id]
        )
        if (topics, criteria, negative) != (review.topics, review.criteria, review.is_negative):
            review.topics, review.criteria, review.is_negative = topics, criteria, negative
            changed.append(review)
    with transaction.atomic():
        CitizenReview.objects.bulk_update(changed, ["topics", "criteria", "is_negative"], batch_size=1000)
        log_action(
            user, "busgov.review.retagged", None, target_type="busgov.citizenreview", data={"changed": len(changed)}
        )
    return len(changed)


def can_respond(user, review: CitizenReview) -> bool:
    return can_manage_organization(user, review.organization)


def save_response(
    user, review: CitizenReview, text: str, responded_on: datetime.date | None = None, url: str = ""
) -> ReviewResponse:
    _require(can_respond(user, review), "Ответ на отзыв вносит организация или её учредитель.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Введите текст ответа."})
    url = _validate_url(url)
    responded_on = responded_on or today_for(review.organization.territory)
    if responded_on < review.posted_on:
        raise ValidationError({"responded_on": "Дата ответа раньше даты отзыва."})
    with transaction.atomic():
        response = ReviewResponse.objects.filter(review=review).first()
        before = snapshot(response, ["text", "responded_on", "url"]) if response else None
        response = response or ReviewResponse(review=review)
        response.text, response.responded_on, response.url = text, responded_on, url
        response.source = ReviewSource.MANUAL
        response.responded_by = user if getattr(user, "is_authenticated", False) else None
        response.save()
        log_action(
            user,
            "busgov.response.saved",
            review,
            organization=review.organization,
            before=before,
            after=snapshot(response, ["text", "responded_on", "url"]),
        )
    return response


def delete_response(user, review: CitizenReview) -> None:
    _require(can_respond(user, review), "Удалить ответ может организация или её учредитель.")
    response = ReviewResponse.objects.filter(review=review).first()
    if response is None:
        return
    with transaction.atomic():
        log_action(
            user,
            "busgov.response.deleted",
            review,
            organization=review.organization,
            before=snapshot(response, ["text", "responded_on", "url"]),
        )
        response.delete()


# --- uploaded files: parse, confirm, apply ---------------------------------------------------------------


def prepare_import(user, kind: str, data: bytes, filename: str) -> ImportBatch:
    """Parse an uploaded file and keep it as a pending batch; nothing else is written.

    Raises ``lib.tables.TableError`` when the file is not a readable table.
    """
    from busgov import importers

    if kind == ImportKind.OFFICIALS:
        _require(is_authority(user), "Загружать реестр ответственных может орган управления.")
        parsed = importers.parse_officials(user, data, filename)
        code = ""
    else:
        _require(is_authority(user), "Загружать файлы bus.gov.ru может орган управления образованием.")
        territory = _user_territory(user)
        conf = settings_for(territory)
        code = conf.reviews_layout if kind == ImportKind.REVIEWS else conf.status_layout
        the_layout = layout(code, LayoutKind.REVIEWS if kind == ImportKind.REVIEWS else LayoutKind.STATUS)
        parse = importers.parse_reviews if kind == ImportKind.REVIEWS else importers.parse_status
        parsed = parse(user, data, filename, the_layout)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=kind,
            layout_code=code,
            filename=filename[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=parsed.rows,
            errors=parsed.errors,
            total_rows=parsed.total,
            summary=parsed.preview,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        log_action(
            user,
            "busgov.import.uploaded",
            batch,
            data={"kind": kind, "rows": parsed.total, "errors": len(parsed.errors), "sha256": batch.sha256},
        )
    return batch


def _user_territory(user) -> Territory | None:
    ids = managed_territory_ids(user)
    if not ids:
        return Territory.objects.filter(parent__isnull=True).first()
    return Territory.objects.filter(pk__in=ids).order_by("parent_id").first()


def apply_import(user, batch: ImportBatch, *, skip_bad_rows: bool = False) -> dict[str, int]:
    """Write a pending batch in one transaction. A batch with errors is applied only when the person agreed to
    leave the bad rows out (``skip_bad_rows``); otherwise nothing is written."""
    from busgov import importers

    if batch.status != ImportStatus.PENDING:
        raise ValidationError("Эта загрузка уже применена или отменена.")
    if batch.created_by_id and getattr(user, "pk", None) != batch.created_by_id and not scope_for(user).sees_everything:
        raise PermissionDenied("Применить загрузку может тот, кто загрузил файл.")
    if batch.errors and not skip_bad_rows:
        raise ValidationError(
            f"В файле {len(batch.errors)} ошибок. Исправьте файл и загрузите снова или подтвердите загрузку "
            f"только строк без ошибок."
        )
    if not batch.rows:
        raise ValidationError("В файле нет строк без ошибок — загружать нечего.")
    with transaction.atomic():
        if batch.kind == ImportKind.REVIEWS:
            summary = importers.apply_reviews(user, batch)
        elif batch.kind == ImportKind.STATUS:
            summary = importers.apply_status(user, batch)
        else:
            summary = importers.apply_officials(user, batch)
        batch.status = ImportStatus.APPLIED
        batch.applied_at = timezone.now()
        batch.skipped_bad_rows = bool(batch.errors)
        batch.summary = {**batch.summary, "applied": summary}
        batch.save(update_fields=["status", "applied_at", "skipped_bad_rows", "summary"])
        log_action(
            user,
            f"busgov.{batch.kind}.imported",
            batch,
            data={**summary, "file": batch.filename, "sha256": batch.sha256, "skipped_rows": len(batch.errors)},
        )
    return summary


def discard_import(user, batch: ImportBatch) -> None:
    if batch.status != ImportStatus.PENDING:
        raise ValidationError("Эта загрузка уже применена или отменена.")
    with transaction.atomic():
        batch.status = ImportStatus.DISCARDED
        batch.save(update_fields=["status"])
        log_action(user, "busgov.import.discarded", batch, data={"file": batch.filename})


# --- letters to authorities ------------------------------------------------------------------------------


def prepare_notices(
    user,
    year: int,
    *,
    as_of: datetime.date | None = None,
    recheck_on: datetime.date | None = None,
    kind: str = NoticeKind.NO_REVIEWS,
    territory_ids: list[int] | None = None,
) -> list[Notice]:
    """One letter per municipality that has organizations needing attention (default: no reviews in YEAR)."""
    from busgov import letters, monitoring

    _require(is_authority(user), "Письма готовит орган управления образованием.")
    as_of = as_of or today_for()
    if recheck_on is not None and recheck_on <= as_of:
        raise ValidationError({"recheck_on": "Дата повторной проверки должна быть позже даты проверки."})
    groups = monitoring.organizations_for_notice(user, kind, year, as_of)
    notices = []
    with transaction.atomic():
        for territory, orgs in groups:
            if territory_ids and territory.pk not in territory_ids:
                continue
            if not orgs:
                continue
            listed = [{"id": o.pk, "name": o.full_name, "short_name": o.short_name, "inn": o.inn} for o in orgs]
            notice = Notice.objects.create(
                territory=territory,
                kind=kind,
                year=year,
                as_of=as_of,
                recheck_on=recheck_on,
                organizations=listed,
                text=letters.notice_text(kind, territory, year, as_of, recheck_on, listed),
                created_by=user if getattr(user, "is_authenticated", False) else None,
            )
            log_action(
                user, "busgov.notice.prepared", notice, territory=territory, data={"kind": kind, "count": len(listed)}
            )
            notices.append(notice)
    return notices


def mark_notice_sent(user, notice: Notice, number: str, sent_on: datetime.date | None) -> Notice:
    _require(is_authority(user), "Отметку об отправке ставит орган управления.")
    with transaction.atomic():
        before = snapshot(notice, ["number", "sent_on"])
        notice.number = _text(number)[:50]
        notice.sent_on = sent_on or today_for()
        notice.save(update_fields=["number", "sent_on"])
        log_action(
            user,
            "busgov.notice.sent",
            notice,
            territory=notice.territory,
            before=before,
            after=snapshot(notice, ["number", "sent_on"]),
        )
    return notice


# --- information campaign --------------------------------------------------------------------------------


def add_campaign_activity(user, data: dict[str, Any]) -> CampaignActivity:
    activity = CampaignActivity(
        territory_id=getattr(data.get("territory"), "pk", data.get("territory")) or None,
        organization_id=getattr(data.get("organization"), "pk", data.get("organization")) or None,
        held_on=data.get("held_on"),
        kind=data.get("kind") or "",
        description=(data.get("description") or "").strip(),
        reach=data.get("reach") or None,
        url=_validate_url(data.get("url") or ""),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if bool(activity.territory_id) == bool(activity.organization_id):
        raise ValidationError({"organization": "Укажите организацию или территорию — одно из двух."})
    if not activity.held_on:
        raise ValidationError({"held_on": "Укажите дату."})
    if not activity.description:
        raise ValidationError({"description": "Опишите мероприятие."})
    if activity.organization_id:
        _require(can_manage_organization(user, activity.organization), "Только по своим организациям.")
    else:
        _require(can_manage_territory(user, activity.territory_id), "Только по своей территории.")
    with transaction.atomic():
        activity.save()
        log_action(
            user,
            "busgov.campaign.added",
            activity,
            organization=activity.organization,
            territory=activity.territory,
            after=snapshot(activity),
        )
    return activity
