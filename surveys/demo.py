"""Demo survey: a published campaign for every cycle, a link per organization and realistic answers.

Closed cycles (2024, 2025) have their answers collected, reviewed and their network hashes
purged; the current cycle is half-way through collection, with a few questionnaires held for
review. Everything is deterministic from the seed and written with bulk_create.

``ctx.options["survey_scale"]`` multiplies the number of questionnaires (benchmarks).
"""

from __future__ import annotations

import datetime
import json
import math
import random
import uuid
import zoneinfo

from django.db import connection
from django.utils import timezone

from cycles.models import CycleOrganization, Phase
from registry.choices import OrgType
from surveys.models import Campaign, Mode, Response, SurveyLink
from surveys.questionnaire import YES, Form
from surveys.services import CODE_ALPHABET, CODE_LENGTH, form_for, get_questionnaire

QUESTIONNAIRE = "675n-edu-v1"

# (gate, satisfaction item, satisfaction shift) — gates are asked of everyone
GATED = (
    ("info_stand_used", "info_stand_satisfied", 0.02),
    ("info_site_used", "info_site_satisfied", 0.0),
    ("disability", "accessibility_satisfied", -0.12),
    ("remote_used", "remote_polite", 0.01),
)
PLAIN = (
    ("comfort_satisfied", -0.04),
    ("first_contact_polite", 0.02),
    ("service_staff_polite", 0.03),
    ("recommend", -0.03),
    ("org_conditions_satisfied", -0.01),
    ("overall_satisfied", 0.0),
)
GROUPS = {
    OrgType.DOO: (("parent_preschool", 1.0),),
    OrgType.OO: (("parent_pupil", 0.93), ("adult_student", 0.07)),
    OrgType.DO: (("parent_pupil", 0.8), ("adult_student", 0.2)),
    OrgType.SPO: (("adult_student", 0.65), ("parent_pupil", 0.35)),
    OrgType.OTHER: (("parent_pupil", 0.6), ("parent_preschool", 0.4)),
}
SUGGESTIONS = (
    "Установить питьевые фонтанчики на каждом этаже.",
    "Сделать пандус у входа и расширить двери.",
    "Обновлять новости на сайте чаще.",
    "Отремонтировать санузлы для детей.",
    "Оборудовать зону ожидания для родителей с местами для сидения.",
    "Добавить кружки по робототехнике и программированию.",
    "Улучшить питание в столовой.",
    "Разместить расписание занятий на сайте в удобном виде.",
    "Установить навигационные таблички в коридорах.",
    "Чаще проводить родительские собрания в дистанционном формате.",
    "Организовать парковку рядом со входом.",
    "Всё устраивает, спасибо педагогам!",
)
EXCLUDE_REASONS = (
    "Повторная отправка с одного устройства в течение нескольких минут",
    "Анкета заполнена за несколько секунд, ответы одинаковые",
)


def _window(cycle, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    if cycle.phase == Phase.CLOSED:
        return datetime.date(cycle.year, 10, 1), datetime.date(cycle.year, 11, 30)
    return today - datetime.timedelta(days=24), today + datetime.timedelta(days=30)


def populate(ctx) -> None:
    questionnaire = get_questionnaire(QUESTIONNAIRE)
    form = form_for(questionnaire)
    today = timezone.localdate()
    cycles = list(ctx.cycles.values())
    campaigns = []
    for cycle in cycles:
        opens_on, closes_on = _window(cycle, today)
        campaigns.append(
            Campaign(
                cycle=cycle,
                questionnaire=questionnaire,
                status=Campaign.Status.PUBLISHED,
                opens_on=opens_on,
                closes_on=closes_on,
                published_at=timezone.make_aware(datetime.datetime.combine(opens_on, datetime.time(9))),
            )
        )
    Campaign.objects.bulk_create(campaigns)
    by_cycle = {c.cycle_id: c for c in campaigns}

    rng = random.Random(ctx.seed + 404)  # noqa: S311 - demo data, not secrets
    entries = list(
        CycleOrganization.objects.filter(cycle__in=cycles)
        .included()
        .select_related("organization", "organization__territory", "cycle")
        .order_by("pk")
    )
    used: set[str] = set(SurveyLink.objects.values_list("code", flat=True))
    links = []
    for entry in entries:
        code = ""
        while not code or code in used:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        used.add(code)
        links.append(SurveyLink(cycle_organization=entry, code=code))
    SurveyLink.objects.bulk_create(links, batch_size=1000)

    scale = float(ctx.options.get("survey_scale", 1.0))
    operator = ctx.users.get("operator")
    now = timezone.now()
    batch: list[tuple] = []
    for entry in entries:
        campaign = by_cycle[entry.cycle_id]
        target = campaign.target_for(entry.organization.contingent)
        closed = entry.cycle.phase == Phase.CLOSED
        share = rng.uniform(0.85, 1.12) if closed else rng.uniform(0.25, 1.05)
        count = math.floor(target * share * scale)
        batch.extend(generate(rng, form, questionnaire.pk, entry, campaign, count, now=now, operator=operator))
        if len(batch) >= 50000:
            insert_rows(batch)
            batch = []
    insert_rows(batch)


COLUMNS = (
    "client_id",
    "cycle_organization_id",
    "questionnaire_id",
    "mode",
    "respondent_group",
    "answers",
    "yes_bits",
    "answered_bits",
    "status",
    "flags",
    "suspicion",
    "submitted_at",
    "duration_seconds",
    "ip_hash",
    "network_hash",
    "device_hash",
    "paper_number",
    "entered_by_id",
    "reviewed_by_id",
    "reviewed_at",
    "review_reason",
)


def insert_rows(rows: list[tuple]) -> int:
    """Insert generated rows (tuples in COLUMNS order) fast: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return 0
    table = Response._meta.db_table
    names = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            ops = connection.ops
            adapted = [
                (
                    row[0].hex,
                    *row[1:5],
                    row[5],
                    *row[6:11],
                    ops.adapt_datetimefield_value(row[11]),
                    *row[12:19],
                    ops.adapt_datetimefield_value(row[19]) if row[19] else None,
                    row[20],
                )
                for row in rows
            ]
            marks = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", adapted)  # noqa: S608
    return len(rows)


def generate(
    rng: random.Random,
    form: Form,
    questionnaire_id: int,
    entry: CycleOrganization,
    campaign: Campaign,
    count: int,
    *,
    now: datetime.datetime,
    operator=None,
) -> list[tuple]:
    """COUNT realistic questionnaires for one organization, as rows for ``insert_rows``."""
    org = entry.organization
    tz = zoneinfo.ZoneInfo(org.effective_timezone)
    closed = entry.cycle.phase == Phase.CLOSED
    start = datetime.datetime.combine(campaign.opens_on, datetime.time(7), tzinfo=tz)
    end = min(
        datetime.datetime.combine(campaign.closes_on, datetime.time(23), tzinfo=tz),
        now - datetime.timedelta(minutes=5),
    )
    span = max(60.0, (end - start).total_seconds())
    quality = rng.uniform(0.78, 0.985)
    gate_p = {
        "info_stand_used": rng.uniform(0.45, 0.78),
        "info_site_used": rng.uniform(0.6, 0.9),
        "disability": rng.uniform(0.015, 0.07),
        "remote_used": rng.uniform(0.4, 0.78),
    }
    groups = GROUPS.get(org.org_type, GROUPS[OrgType.OO])
    randbits = rng.getrandbits
    random_ = rng.random
    result: list[tuple] = []
    operator_id = operator.pk if operator is not None else None
    for _ in range(count):
        mood = quality * (0.6 if random_() < 0.07 else 1.0)
        roll = random_()
        group = groups[-1][0]
        for code, p in groups:
            if roll < p:
                group = code
                break
            roll -= p
        answers: dict[str, object] = {"respondent_group": group}
        for gate, satisfied, shift in GATED:
            if random_() < gate_p[gate]:
                answers[gate] = YES
                answers[satisfied] = YES if random_() < mood + shift else "no"
            else:
                answers[gate] = "no"
        for code, shift in PLAIN:
            answers[code] = YES if random_() < mood + shift else "no"
        if random_() < 0.12:
            answers["suggestions"] = SUGGESTIONS[int(random_() * len(SUGGESTIONS))]
        if random_() < 0.7:
            answers["sex"] = "f" if random_() < 0.78 else "m"
        if random_() < 0.6:
            answers["age"] = int(18 + random_() * 22) if group == "adult_student" else int(26 + random_() * 28)
        yes, answered = form.bits(answers)
        mode_roll = random_()
        mode = Mode.ONLINE if mode_roll < 0.93 else Mode.PAPER if mode_roll < 0.98 else Mode.PHONE
        submitted = start + datetime.timedelta(seconds=random_() * span)
        flags, suspicion, status = "", 0, Response.Status.ACCEPTED
        duration = None
        reviewed_at = None
        reason = ""
        if mode == Mode.ONLINE:
            duration = int(rng.lognormvariate(5.1, 0.45))
            suspicious = random_()
            if suspicious < 0.012:
                flags, suspicion, duration = "speeder straight_line", 3, 8 + int(random_() * 12)
                answers = {k: (YES if v == "no" else v) for k, v in answers.items()}
                answers.update({g: YES for g, _s, _x in GATED})
                answers.update({s: YES for _g, s, _x in GATED})
                yes, answered = form.bits(answers)
            elif suspicious < 0.022:
                flags, suspicion = "device_repeat", 3
            if suspicion >= 3:
                status = Response.Status.REVIEW
                if closed:
                    reviewed_at = submitted + datetime.timedelta(days=2)
                    if random_() < 0.6:
                        status = Response.Status.EXCLUDED
                        reason = EXCLUDE_REASONS[0 if flags == "device_repeat" else 1]
                    else:
                        status = Response.Status.ACCEPTED
                        reason = "Проверено оператором: признаки не подтвердились"
        hashes = ("", "", "") if closed or mode != Mode.ONLINE else tuple(f"{randbits(64):016x}" for _ in range(3))
        result.append(
            (
                uuid.UUID(int=randbits(128), version=4),
                entry.pk,
                questionnaire_id,
                mode,
                group,
                json.dumps(answers, ensure_ascii=False),
                yes,
                answered,
                status,
                flags,
                suspicion,
                submitted,
                duration,
                *hashes,
                f"{entry.pk}-{randbits(20)}" if mode == Mode.PAPER else "",
                operator_id if mode != Mode.ONLINE else None,
                operator_id if reviewed_at else None,
                reviewed_at,
                reason,
            )
        )
    return result
