"""Demo data of the bus.gov.ru bridge (runs after plans.demo).

* Responsible officials: every authority has officials for all duties except one municipality that has not
  appointed anyone for the monitoring of reviews; about 85 % of the organizations have an official.
* Citizens' reviews for last year and this year (up to today), as if imported from bus.gov.ru: about one
  organization in seven has none this year; a share are negative; most negative ones have a response.
* Placement of results for the closed cycles: most placed within the deadline, some late, a few not placed.
* A «no reviews» letter to the first municipality (check on 20 March, re-check on 25 April) and a few
  information campaign activities.

Deterministic (``random.Random(ctx.seed + k)``) and bulk-written.
"""

from __future__ import annotations

import datetime
import random

from busgov import services, workdays
from busgov.choices import CampaignKind, Duty, InfoKind, NoticeKind, PlacementSource, PlacementStatus, ReviewSource
from busgov.models import CampaignActivity, CitizenReview, Notice, Placement, ResponsibleOfficial, ReviewResponse
from cycles.models import CycleOrganization, Phase
from demo import names
from registry.choices import OrgStatus

POSITIVE = [
    "Очень довольны детским садом, воспитатели внимательные и доброжелательные.",
    "Хорошая школа, учителя грамотные, ребёнок с удовольствием ходит на уроки.",
    "Вкусное питание, меню разнообразное, дети едят с удовольствием.",
    "Уютные группы, после ремонта стало светло и чисто.",
    "На сайте всегда свежая информация, расписание и объявления публикуются вовремя.",
    "Спасибо администрации за отзывчивость и быстрые ответы на обращения.",
    "Замечательные кружки и секции, ребёнок занимается робототехникой.",
    "Оборудовали пандус и поручни, теперь нашему сыну на коляске удобно.",
    "Охрана на входе, турникеты и видеонаблюдение — за безопасность детей спокойны.",
    "Прекрасные педагоги, хорошая подготовка к ОГЭ.",
    "Благодарим воспитателя и помощника воспитателя за заботу о детях.",
    "Удобный режим работы, есть группа продлённого дня.",
]
NEGATIVE = [
    "Плохо кормят, каша холодная, меню не соблюдается.",
    "В классах холодно зимой, отопление не справляется, туалеты в ужасном состоянии.",
    "Учитель грубо разговаривает с детьми, жалобы администрация игнорирует.",
    "До учреждения невозможно дозвониться, на сайте устаревшая информация.",
    "Нет пандуса, ребёнку на коляске не попасть в здание, доступная среда только на бумаге.",
    "Территория без ограждения, охранника нет — небезопасно.",
    "Постоянные поборы и сбор денег на ремонт, недовольны.",
    "Очередь на зачисление не движется, запись непрозрачная.",
    "Грязно в раздевалке, мебель сломана.",
    "Не рекомендую: хамство со стороны администрации.",
]
NEUTRAL = [
    "В целом нормально, но хотелось бы больше секций для младших школьников.",
    "Информации на стенде мало, в остальном претензий нет.",
    "Есть проблемы с расписанием, но педагоги стараются.",
]
RESPONSES = [
    "Благодарим за отзыв! Ваше мнение очень важно для нас.",
    "Спасибо за обращение. Информация рассмотрена администрацией, приняты меры: проведена проверка, "
    "ответственным работникам даны поручения. Приглашаем на личную встречу с руководителем.",
    "Уважаемый родитель! По вашему обращению проведено совещание, недостатки будут устранены в текущем квартале.",
]


def populate(ctx) -> None:
    today = services.today_for(ctx.region)
    _officials(ctx, today)
    _reviews(ctx, today)
    _placements(ctx)
    _notice_and_campaign(ctx, today)


def _initials(full: str) -> str:
    last, first, middle = ([*full.split(" "), "", ""])[:3]
    return f"{last} {first[:1]}.{middle[:1]}." if middle else f"{last} {first[:1]}."


def _officials(ctx, today: datetime.date) -> None:
    rng = random.Random(ctx.seed + 8001)  # noqa: S311 - demo data
    rows: list[ResponsibleOfficial] = []
    year = today.year
    all_duties = list(Duty.values)
    for index, territory in enumerate([ctx.region, *ctx.municipalities]):
        lacking = {Duty.MONITORING} if index == 2 else set()
        split = [d for d in all_duties if d not in lacking]
        people = [split[:3], split[3:]] if len(split) > 3 else [split]
        for n, duties in enumerate(people):
            full, _gender = names.person(rng)
            rows.append(
                ResponsibleOfficial(
                    territory=territory,
                    full_name=full,
                    position=["начальник отдела общего образования", "главный специалист"][n % 2],
                    phone=names.phone(rng, "4232"),
                    email=f"busgov{territory.pk}-{n}@edu.example.ru",
                    duties=duties,
                    order_number=f"{rng.randint(10, 120)}-о",
                    order_date=datetime.date(year, 1, rng.randint(12, 28)),
                    period_start=datetime.date(year, 2, 1),
                    period_end=datetime.date(year, 12, 31),
                )
            )
    for org in ctx.organizations:
        if org.parent_id or org.status == OrgStatus.LIQUIDATED or rng.random() < 0.15:
            continue
        full, _gender = names.person(rng)
        duties = all_duties if rng.random() < 0.6 else [Duty.MONITORING, Duty.SHORTCOMINGS, Duty.INFORMING]
        rows.append(
            ResponsibleOfficial(
                organization=org,
                full_name=full,
                position=rng.choice(
                    [
                        "заместитель директора",
                        "заместитель заведующего",
                        "старший воспитатель",
                        "заместитель директора по УВР",
                    ]
                ),
                phone=org.head_phone,
                duties=[str(d) for d in duties],
                order_number=f"{rng.randint(1, 90)}",
                order_date=datetime.date(year, rng.choice([1, 2, 3]), rng.randint(9, 27)),
                period_start=datetime.date(year, 1, 9) if rng.random() < 0.9 else datetime.date(year - 1, 9, 1),
            )
        )
    for row in rows:
        row.duties_text = "|" + "|".join(sorted(set(row.duties))) + "|"
    ResponsibleOfficial.objects.bulk_create(rows, batch_size=1000)


def _reviews(ctx, today: datetime.date) -> None:
    rng = random.Random(ctx.seed + 8002)  # noqa: S311 - demo data
    tag = services.tagger()
    conf = services.settings_for(ctx.region)
    orgs = [o for o in ctx.organizations if o.parent_id is None and o.status != OrgStatus.LIQUIDATED]
    reviews: list[CitizenReview] = []
    number = 4_100_000 + ctx.seed * 1000
    for org in orgs:
        quiet_this_year = rng.random() < 0.15
        for year in (today.year - 1, today.year):
            if year == today.year and quiet_this_year:
                continue
            last = today if year == today.year else datetime.date(year, 12, 31)
            first = datetime.date(year, 1, 10)
            count = (
                rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 6]) if year < today.year else rng.choice([1, 1, 2, 2, 3, 4, 5])
            )
            for _ in range(count):
                number += rng.randint(1, 40)
                posted = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
                roll = rng.random()
                if roll < 0.16:
                    text, rating = rng.choice(NEGATIVE), rng.choice([1, 1, 2, 2, 3])
                elif roll < 0.24:
                    text, rating = rng.choice(NEUTRAL), rng.choice([3, 4])
                else:
                    text, rating = rng.choice(POSITIVE), rng.choice([4, 5, 5, 5])
                criterion = {}
                if rng.random() < 0.6:
                    criterion = {f"K{k}": max(1, min(5, rating + rng.choice([-1, 0, 0, 0, 1]))) for k in range(1, 6)}
                author_name, _g = names.person(rng)
                topics, criteria, negative = services.classify(text, rating, criterion, tag, conf.negative_max_rating)
                reviews.append(
                    CitizenReview(
                        organization=org,
                        key=f"id:{number}",
                        external_id=str(number),
                        posted_on=posted,
                        author=_initials(author_name) if rng.random() < 0.7 else "",
                        rating=rating,
                        criterion_ratings=criterion,
                        text=text,
                        topics=topics,
                        criteria=criteria,
                        is_negative=negative,
                        source=ReviewSource.IMPORT,
                    )
                )
    CitizenReview.objects.bulk_create(reviews, batch_size=1000)
    responses = []
    for review in CitizenReview.objects.filter(organization__in=orgs).order_by("pk"):
        if rng.random() < (0.7 if review.is_negative else 0.3):
            responded = review.posted_on + datetime.timedelta(days=rng.randint(1, 12))
            if responded > today:
                continue
            responses.append(
                ReviewResponse(
                    review=review,
                    text=RESPONSES[1 if review.is_negative else 0] if rng.random() < 0.8 else RESPONSES[2],
                    responded_on=responded,
                    source=ReviewSource.IMPORT,
                )
            )
    ReviewResponse.objects.bulk_create(responses, batch_size=1000)


def _placements(ctx) -> None:
    from scoring.models import TOTAL_CODE, Result

    rng = random.Random(ctx.seed + 8003)  # noqa: S311 - demo data
    rows: list[Placement] = []
    for cycle in sorted(ctx.cycles.values(), key=lambda c: (c.year, c.territory_id)):
        if cycle.phase != Phase.CLOSED:
            continue
        due = services.results_deadline(cycle)
        if due.due is None:
            continue
        final = set(
            Result.objects.final()
            .filter(cycle=cycle, code=TOTAL_CODE, value__isnull=False)
            .values_list("cycle_organization_id", flat=True)
        )
        for entry in CycleOrganization.objects.included().filter(cycle=cycle).select_related("organization"):
            if entry.pk not in final:
                continue
            roll = rng.random()
            if roll < 0.05:
                continue  # never placed: shown as overdue
            if roll < 0.15:
                placed = workdays.add_working_days(due.due, rng.randint(1, 6))
            else:
                placed = workdays.add_working_days(due.start, rng.randint(1, due.working_days))
            busgov_id = entry.organization.busgov_id
            rows.append(
                Placement(
                    cycle_organization=entry,
                    kind=InfoKind.RESULTS,
                    status=PlacementStatus.PLACED,
                    placed_on=placed,
                    url=f"https://bus.gov.ru/info-card/{busgov_id}" if busgov_id else "",
                    source=PlacementSource.STATUS_FILE if rng.random() < 0.5 else PlacementSource.MANUAL,
                )
            )
    Placement.objects.bulk_create(rows, batch_size=1000)


def _notice_and_campaign(ctx, today: datetime.date) -> None:
    from busgov.letters import notice_text
    from busgov.monitoring import review_summary

    rng = random.Random(ctx.seed + 8004)  # noqa: S311 - demo data
    region_user = ctx.users.get("region")
    as_of = datetime.date(today.year, 3, 20)
    recheck = datetime.date(today.year, 4, 25)
    if region_user is not None and as_of < today and ctx.municipalities:
        municipality = ctx.municipalities[0]
        summary = review_summary(region_user, today.year, territory=municipality, as_of=as_of)
        listed = [
            {"id": o.pk, "name": o.full_name, "short_name": o.short_name, "inn": o.inn} for o in summary.without_reviews
        ]
        if listed:
            Notice.objects.create(
                territory=municipality,
                kind=NoticeKind.NO_REVIEWS,
                year=today.year,
                as_of=as_of,
                recheck_on=recheck,
                organizations=listed,
                text=notice_text(NoticeKind.NO_REVIEWS, municipality, today.year, as_of, recheck, listed),
                number=f"{rng.randint(100, 400)}",
                sent_on=datetime.date(today.year, 3, 28),
                created_by=region_user,
            )
    activities = []
    for municipality in ctx.municipalities:
        activities.append(
            CampaignActivity(
                territory=municipality,
                held_on=datetime.date(today.year, 4, rng.randint(1, 20)),
                kind=CampaignKind.SITE,
                description="Публикация на сайте управления образования о возможности оставить отзыв на bus.gov.ru",
            )
        )
    for org in [o for o in ctx.organizations if o.parent_id is None][: max(3, len(ctx.organizations) // 10)]:
        activities.append(
            CampaignActivity(
                organization=org,
                held_on=datetime.date(today.year, rng.choice([3, 4, 9]), rng.randint(1, 28)),
                kind=rng.choice([CampaignKind.MEETING, CampaignKind.LEAFLET, CampaignKind.SOCIAL]),
                description="Родителям рассказано, как оставить отзыв о качестве условий на bus.gov.ru по QR-коду",
                reach=rng.randint(20, 300),
            )
        )
    CampaignActivity.objects.bulk_create(activities)
