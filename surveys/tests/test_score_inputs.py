"""provide(cycle): Чобщ and «Да»/answered pairs per item code, from accepted questionnaires only."""

import uuid
from collections import Counter

from cycles.models import Cycle, CycleOrganization, Phase
from lib.score_inputs import SURVEY_ITEM_CODES, SURVEY_RESPONDENTS, survey_answered, survey_yes
from surveys import score_inputs
from surveys.models import Mode, Response
from surveys.questionnaire import Form
from surveys.services import get_questionnaire


def _add(entry, answers, status=Response.Status.ACCEPTED):
    yes, answered = Form.bits(answers)
    return Response.objects.create(
        client_id=uuid.uuid4(),
        cycle_organization=entry,
        questionnaire=get_questionnaire("675n-edu-v1"),
        mode=Mode.PAPER,
        answers=answers,
        yes_bits=yes,
        answered_bits=answered,
        status=status,
    )


def _values(cycle, entry):
    return {v.key: v.value for v in score_inputs.provide(cycle) if v.cycle_organization_id == entry.pk}


def test_worked_example_counts_with_gates_blanks_and_statuses(municipality):
    cycle = Cycle.objects.get(territory=municipality, phase=Phase.COLLECTION)
    entry = CycleOrganization.objects.filter(cycle=cycle).first()
    Response.objects.filter(cycle_organization=entry).delete()
    _add(entry, {"info_stand_used": "yes", "info_stand_satisfied": "yes", "recommend": "yes", "disability": "no"})
    _add(entry, {"info_stand_used": "yes", "info_stand_satisfied": "no", "recommend": "no", "disability": "yes"})
    _add(entry, {"info_stand_used": "no", "recommend": "yes"})  # disability left blank on paper
    _add(entry, {"info_stand_used": "yes", "info_stand_satisfied": "yes"}, status=Response.Status.EXCLUDED)
    _add(entry, {"info_stand_used": "yes", "info_stand_satisfied": "yes"}, status=Response.Status.REVIEW)
    values = _values(cycle, entry)
    assert values[SURVEY_RESPONDENTS] == 3
    assert (values[survey_yes("info_stand_used")], values[survey_answered("info_stand_used")]) == (2, 3)
    assert (values[survey_yes("info_stand_satisfied")], values[survey_answered("info_stand_satisfied")]) == (1, 2)
    assert (values[survey_yes("recommend")], values[survey_answered("recommend")]) == (2, 3)
    assert (values[survey_yes("disability")], values[survey_answered("disability")]) == (1, 2)
    assert (values[survey_yes("accessibility_satisfied")], values[survey_answered("accessibility_satisfied")]) == (0, 0)
    assert len(values) == 1 + 2 * len(SURVEY_ITEM_CODES)


def test_every_included_organization_gets_every_key_even_without_answers(municipality):
    cycle = Cycle.objects.get(territory=municipality, phase=Phase.COLLECTION)
    entry = CycleOrganization.objects.filter(cycle=cycle).first()
    Response.objects.filter(cycle_organization=entry).delete()
    values = _values(cycle, entry)
    assert values[SURVEY_RESPONDENTS] == 0
    assert set(values) == {SURVEY_RESPONDENTS} | {
        key for code in SURVEY_ITEM_CODES for key in (survey_yes(code), survey_answered(code))
    }
    assert {v.source for v in score_inputs.provide(cycle)} == {"surveys"}
    included = CycleOrganization.objects.filter(cycle=cycle).included().count()
    assert len({v.cycle_organization_id for v in score_inputs.provide(cycle)}) == included


def test_counts_agree_with_a_plain_recount_of_the_stored_answers(regional_official):
    cycle = Cycle.objects.filter(phase=Phase.CLOSED).order_by("pk").first()
    expected: dict[int, Counter] = {}
    for entry_id, answers in Response.objects.filter(
        cycle_organization__cycle=cycle, status=Response.Status.ACCEPTED
    ).values_list("cycle_organization_id", "answers"):
        counter = expected.setdefault(entry_id, Counter())
        counter[SURVEY_RESPONDENTS] += 1
        for code in SURVEY_ITEM_CODES:
            if answers.get(code) in ("yes", "no"):
                counter[survey_answered(code)] += 1
                counter[survey_yes(code)] += answers[code] == "yes"
    assert expected
    got: dict[int, Counter] = {}
    for value in score_inputs.provide(cycle):
        if value.value:
            got.setdefault(value.cycle_organization_id, Counter())[value.key] = int(value.value)
    assert got == expected


def test_provide_many_counts_several_cycles_in_one_query_as_each_cycle_alone(db, django_assert_num_queries):
    cycles = list(Cycle.objects.filter(entries__isnull=False).distinct().order_by("pk"))
    alone = sorted((v.cycle_organization_id, v.key, v.value, v.detail) for c in cycles for v in score_inputs.provide(c))
    with django_assert_num_queries(2):  # the counts of every cycle, then the organizations of every cycle
        together = sorted(
            (v.cycle_organization_id, v.key, v.value, v.detail) for v in score_inputs.provide_many(cycles)
        )
    assert together == alone
    assert len({v[0] for v in together}) == CycleOrganization.objects.filter(cycle__in=cycles).included().count()
