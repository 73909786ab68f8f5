"""Demo councils: one at the regional ministry and one at each municipal authority.

Seven members each (chair, deputy, secretary, four members); the user ``council`` is the secretary of the
regional council. Four meetings a year (one a quarter, as in the municipal plan), with agenda items of the
standard kinds, attendance and decisions; every cycle's list is approved by a decision of its territory's
council at the first meeting of the year, which references the cycle. Meetings of the current year after
the first half are still planned. Runs after ``cycles.demo`` (it needs ``ctx.cycles``).
"""

from __future__ import annotations

import datetime
import random

from django.contrib.contenttypes.models import ContentType

from council.models import (
    AgendaItem,
    AgendaKind,
    Attendance,
    Council,
    CouncilMember,
    Decision,
    DecisionKind,
    Meeting,
    MemberRole,
)
from cycles.demo import CURRENT_YEAR, YEARS
from cycles.models import Cycle
from demo import names

POSITIONS = [
    "председатель родительского комитета",
    "представитель общественной организации ветеранов педагогического труда",
    "журналист местной газеты",
    "представитель профсоюза работников образования",
    "член общественной палаты",
    "представитель объединения работодателей",
    "преподаватель вуза (на пенсии)",
]

# (month, day, agenda kinds) of the four meetings of a year
MEETINGS = [
    (2, 15, [AgendaKind.LIST, AgendaKind.PROCUREMENT]),
    (5, 20, [AgendaKind.TERMS, AgendaKind.PLANS]),
    (9, 18, [AgendaKind.PLANS, AgendaKind.OTHER]),
    (11, 20, [AgendaKind.RESULTS, AgendaKind.RATINGS, AgendaKind.SHORTCOMINGS]),
]
DEMO_TODAY = datetime.date(CURRENT_YEAR, 6, 1)

_LIST_TEXT = (
    "Утвердить перечень организаций, в отношении которых в {year} году проводится независимая оценка качества "
    "условий осуществления образовательной деятельности."
)
DECISION_TEXT = {
    AgendaKind.LIST: (DecisionKind.APPROVE_LIST, _LIST_TEXT),
    AgendaKind.PROCUREMENT: (
        DecisionKind.APPROVE_PROCUREMENT,
        "Одобрить проект документации о закупке и проект контракта с организацией-оператором.",
    ),
    AgendaKind.TERMS: (DecisionKind.APPROVE_TERMS, "Одобрить предложения к техническому заданию оператора."),
    AgendaKind.PLANS: (
        DecisionKind.TAKE_NOTE,
        "Информацию о ходе реализации планов по устранению недостатков принять к сведению.",
    ),
    AgendaKind.OTHER: (DecisionKind.TAKE_NOTE, "Информацию принять к сведению."),
    AgendaKind.RESULTS: (DecisionKind.APPROVE_RESULTS, "Утвердить результаты независимой оценки за {year} год."),
    AgendaKind.RATINGS: (DecisionKind.APPROVE_RATINGS, "Утвердить рейтинги организаций за {year} год."),
    AgendaKind.SHORTCOMINGS: (
        DecisionKind.APPROVE_PROPOSALS,
        "Направить в орган управления образованием предложения об улучшении качества деятельности организаций.",
    ),
}


def populate(ctx) -> None:
    rng = random.Random(ctx.seed + 71)  # noqa: S311 - demo data
    cycle_type = ContentType.objects.get_for_model(Cycle)
    secretary_user = ctx.users.get("council")
    councils = []
    for territory in [ctx.region, *ctx.municipalities]:
        councils.append(
            Council(
                territory=territory,
                name=f"Общественный совет по проведению независимой оценки качества условий осуществления "
                f"образовательной деятельности: {territory.name}",
                authority_name=territory.authority_name,
            )
        )
    Council.objects.bulk_create(councils)
    councils = list(Council.objects.filter(territory__in=[ctx.region, *ctx.municipalities]).select_related("territory"))
    members = []
    roles = [MemberRole.CHAIR, MemberRole.DEPUTY, MemberRole.SECRETARY] + [MemberRole.MEMBER] * 4
    for council in councils:
        is_regional = council.territory_id == ctx.region.pk
        for role in roles:
            members.append(
                CouncilMember(
                    council=council,
                    full_name=names.person(rng)[0],
                    role=role,
                    position=rng.choice(POSITIONS),
                    term_start=datetime.date(YEARS[0] - 1, 9, 1),
                    term_end=datetime.date(YEARS[0] + 2, 8, 31)
                    if role == MemberRole.MEMBER and rng.random() > 0.9
                    else None,
                    user=secretary_user if is_regional and role == MemberRole.SECRETARY else None,
                )
            )
    CouncilMember.objects.bulk_create(members)
    members_of: dict[int, list[CouncilMember]] = {}
    for member in CouncilMember.objects.filter(council__in=councils):
        members_of.setdefault(member.council_id, []).append(member)

    meetings: list[tuple[Meeting, list]] = []
    for council in councils:
        for year in YEARS:
            for number, (month, day, kinds) in enumerate(MEETINGS, start=1):
                date = datetime.date(year, month, day)
                meeting = Meeting(
                    council=council,
                    number=str(number),
                    date=date,
                    time=datetime.time(15, 0),
                    place=council.authority_name or council.territory.name,
                    online=rng.random() < 0.2,
                    status=Meeting.Status.HELD if date < DEMO_TODAY else Meeting.Status.PLANNED,
                    cycle=ctx.cycles.get((council.territory_id, year)),
                )
                meetings.append((meeting, kinds))
    Meeting.objects.bulk_create([m for m, _k in meetings])
    agenda, attendance = [], []
    for meeting, kinds in meetings:
        for order, kind in enumerate(kinds, start=1):
            agenda.append(
                AgendaItem(meeting=meeting, order=order, kind=kind, title=str(AgendaKind(kind).label), speaker="")
            )
        if meeting.status == Meeting.Status.HELD:
            people = members_of[meeting.council_id]
            absent = set(rng.sample(range(len(people)), rng.randint(0, 2)))
            attendance += [Attendance(meeting=meeting, member=m, present=i not in absent) for i, m in enumerate(people)]
    AgendaItem.objects.bulk_create(agenda)
    Attendance.objects.bulk_create(attendance)
    present = {}
    for a in attendance:
        present[a.meeting_id] = present.get(a.meeting_id, 0) + int(a.present)
    decisions = []
    for item in agenda:
        meeting = item.meeting
        if meeting.status != Meeting.Status.HELD:
            continue
        kind, text = DECISION_TEXT[item.kind]
        count = present[meeting.pk]
        against = rng.choice([0, 0, 0, 1])
        decision = Decision(
            meeting=meeting,
            agenda_item=item,
            kind=kind,
            text=text.format(year=meeting.date.year),
            votes_for=count - against,
            votes_against=against,
            adopted=True,
        )
        if meeting.cycle is not None and kind in (
            DecisionKind.APPROVE_LIST,
            DecisionKind.APPROVE_RESULTS,
            DecisionKind.APPROVE_RATINGS,
        ):
            decision.target_type = cycle_type
            decision.target_id = meeting.cycle.pk
            decision.target_repr = str(meeting.cycle)
        decisions.append(decision)
    Decision.objects.bulk_create(decisions)
