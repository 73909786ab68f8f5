"""Leaders and the worst, decisions about their heads, and the letter to the ministry filled from the records."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from docx import Document

from audit.models import AuditEntry
from reports import services
from reports.choices import DocumentKind, HeadActionKind, HeadCategory, ListGroup
from reports.data import ListRule, collect
from reports.models import HeadAction
from reports.tests.conftest import MOMENT, body_rows, table_with
from scoring.models import Rating


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_leaders_and_worst_follow_the_rating(regional_official, region_scope):
    data = collect(regional_official, region_scope, rule=ListRule(group=ListGroup.CYCLE, top=2))
    assert data.lists
    for block in data.lists:
        ratings = list(
            Rating.objects.filter(cycle=block.cycle, code="S", group="cycle")
            .order_by("position")
            .values_list("cycle_organization_id", "position", "group_size")
        )
        if len(ratings) < 4:
            continue
        size = ratings[0][2]
        assert [e.row.entry_id for e in block.leaders] == [r[0] for r in ratings if r[1] <= 2]
        assert all(e.position >= size - 1 for e in block.worst)
        assert not {e.row.entry_id for e in block.leaders} & {e.row.entry_id for e in block.worst}


def test_lists_per_type_cover_every_type_of_a_cycle(regional_official, region_scope):
    data = collect(regional_official, region_scope, rule=ListRule(group=ListGroup.ORG_TYPE, top=1))
    for block in data.lists:
        assert {e.row.org_type for e in block.leaders + block.worst} == {block.group_key}


def test_a_share_rule_takes_a_tenth_of_each_group(regional_official, region_scope):
    from decimal import Decimal

    data = collect(regional_official, region_scope, rule=ListRule(share=Decimal("0.1")))
    biggest = max(data.lists, key=lambda b: b.leaders[0].group_size if b.leaders else 0)
    size = biggest.leaders[0].group_size
    assert len(biggest.leaders) >= max(1, round(size / 10))
    assert data.rule.description.startswith("10 %")


def test_recording_a_reward_is_audited_and_reaches_the_letter(municipal_official, municipal_scope):
    data = collect(municipal_official, municipal_scope)
    leader = data.lists[0].leaders[0]
    entry = leader.row
    from cycles.models import CycleOrganization

    action = services.record_head_action(
        municipal_official,
        CycleOrganization.objects.get(pk=entry.entry_id),
        category=HeadCategory.LEADER,
        kind=HeadActionKind.REWARD,
        decided_on=datetime.date(2026, 2, 10),
        document="приказ № 15-о от 10.02.2026",
        text="объявлена благодарность",
    )
    assert action.head_name == entry.head_name
    assert AuditEntry.objects.filter(action="reports.head_action.recorded", target_id=str(action.pk)).exists()

    services.save_follow_up(
        municipal_official,
        municipal_scope.territory,
        municipal_scope.year,
        {
            "letter_number": "01-12/345",
            "informed_heads_on": datetime.date(2026, 1, 20),
            "informed_heads_how": "совещание руководителей",
            "published_busgov_on": datetime.date(2026, 1, 25),
        },
    )
    letter = services.generate(municipal_official, DocumentKind.MINISTRY_LETTER, municipal_scope, generated_at=MOMENT)
    document = Document(io.BytesIO(letter.content))
    text = _text(document) + "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "01-12/345" in text
    assert "20 января 2026 г." in text and "совещание руководителей" in text
    assert "bus.gov.ru 25 января 2026 г." in text
    rewarded = (
        HeadAction.objects.filter(kind=HeadActionKind.REWARD)
        .filter(cycle_organization_id__in=[r.entry_id for r in data.rows])
        .values("cycle_organization_id")
        .distinct()
        .count()
    )
    assert f"решения приняты в отношении {rewarded} организац" in text
    assert entry.name in text.split("Поощрение руководителей")[1].split("4. Меры")[0]
    heads = table_with(document, "Группа", "Место", "Организация", "Руководитель", "Итог", "Принятые решения")
    decided = [row for row in body_rows(heads) if row[2] == entry.name]
    assert decided and "приказ № 15-о от 10.02.2026" in decided[0][5]


def test_plans_in_the_letter_are_the_plans_app_counts(municipal_official, municipal_scope):
    data = collect(municipal_official, municipal_scope)
    letter = services.generate(municipal_official, DocumentKind.MINISTRY_LETTER, municipal_scope, generated_at=MOMENT)
    text = _text(Document(io.BytesIO(letter.content)))
    if data.plans.available:
        assert f"утверждено планов — {data.plans.approved}" in text
        assert f"исключений (план не составляется) — {data.plans.exceptions}" in text
    else:
        assert "сведения о планах в системе отсутствуют" in text


def test_only_the_authority_decides_about_heads(operator_user, council_member, municipal_scope):
    from cycles.models import CycleOrganization

    entry = CycleOrganization.objects.filter(
        cycle__year=municipal_scope.year, organization__territory=municipal_scope.territory
    ).first()
    before = HeadAction.objects.count()
    for outsider in (operator_user, council_member):
        with pytest.raises(PermissionDenied):
            services.record_head_action(
                outsider,
                entry,
                category=HeadCategory.WORST,
                kind=HeadActionKind.MEASURES,
                decided_on=datetime.date(2026, 2, 1),
            )
        with pytest.raises(PermissionDenied):
            services.generate(outsider, DocumentKind.MINISTRY_LETTER, municipal_scope)
    assert HeadAction.objects.count() == before


def test_another_municipality_cannot_decide_about_our_heads(municipal_official, other_municipality):
    from cycles.models import CycleOrganization

    foreign = CycleOrganization.objects.filter(organization__territory=other_municipality).first()
    with pytest.raises(PermissionDenied):
        services.record_head_action(
            municipal_official,
            foreign,
            category=HeadCategory.LEADER,
            kind=HeadActionKind.REWARD,
            decided_on=datetime.date(2026, 2, 1),
        )
