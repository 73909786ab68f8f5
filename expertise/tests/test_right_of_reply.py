"""The organization's right of reply: deadlines, disputes, decisions and what scoring then gets."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from expertise import services
from expertise.choices import DisputeStatus, Mark
from expertise.models import ChecklistMark, ChecklistResult
from expertise.score_inputs import provide
from expertise.tests.conftest import utc
from lib import score_inputs as keys

# Monday 2 November 2026, 10:00 in Vladivostok (UTC+10)
OPENS = utc(2026, 11, 2, 0, 0)


@pytest.fixture
def reply_open(operator_user, school_entry):
    with time_machine.travel(OPENS, tick=False):
        services.set_reply_window(operator_user, school_entry.cycle, working_days=5)
    return services.settings_for(school_entry.cycle)


def _no_mark(entry, section="premises"):
    return (
        ChecklistMark.objects.filter(
            result__cycle_organization=entry, result__building__isnull=True, value=Mark.NO, item__section=section
        )
        .exclude(disputes__status__in=[DisputeStatus.OPEN, DisputeStatus.COUNCIL])
        .select_related("item", "result__cycle_organization__cycle__territory")
        .first()
    )


def _value(cycle, entry, key):
    return next(v for v in provide(cycle) if v.cycle_organization_id == entry.pk and v.key == key)


def test_deadline_is_the_end_of_the_fifth_working_day_in_the_region(reply_open):
    # opened Monday 2.11 → Tue..Mon = 5 working days → Monday 9.11, 23:59:59 Vladivostok
    closes = reply_open.reply_closes_at.astimezone(datetime.timezone(datetime.timedelta(hours=10)))
    assert (closes.date(), closes.hour, closes.minute) == (datetime.date(2026, 11, 9), 23, 59)


def test_holidays_from_settings_move_the_deadline(settings):
    settings.EXPERTISE_HOLIDAYS = ["2026-11-04"]  # День народного единства
    closes = services.working_days_deadline(OPENS, 5, "Asia/Vladivostok")
    assert closes.date() == datetime.date(2026, 11, 10)


def test_accepted_dispute_changes_the_input_and_keeps_the_preliminary(
    reply_open, school_staff, operator_user, school_entry
):
    mark = _no_mark(school_entry)
    before = _value(school_entry.cycle, school_entry, keys.ACCESS_PREMISES_CONDITIONS)
    with time_machine.travel(OPENS + datetime.timedelta(days=2), tick=False):
        dispute = services.create_dispute(
            school_staff, mark, "Пандус установлен в августе, прилагаем акт приёмки.", Mark.YES
        )
    assert dispute.status == DisputeStatus.OPEN and dispute.value_before == Mark.NO
    assert _value(school_entry.cycle, school_entry, keys.ACCESS_PREMISES_CONDITIONS).value == before.value
    with time_machine.travel(OPENS + datetime.timedelta(days=3), tick=False):
        services.decide_dispute(operator_user, dispute, accept=True, reason="Акт подтверждает наличие пандуса.")
    mark.refresh_from_db()
    assert (mark.value, mark.preliminary_value) == (Mark.YES, Mark.NO)
    after = _value(school_entry.cycle, school_entry, keys.ACCESS_PREMISES_CONDITIONS)
    assert after.value == before.value + 1
    assert after.detail["preliminary"] == before.detail["preliminary"]
    assert mark.item.code not in [m["code"] for m in after.detail["missing"]]
    actions = set(AuditEntry.objects.filter(organization=school_entry.organization).values_list("action", flat=True))
    assert {"expertise.dispute.created", "expertise.dispute.accepted", "expertise.mark.changed"} <= actions
    change = AuditEntry.objects.filter(action="expertise.mark.changed", data__dispute=dispute.pk).get()
    assert change.before == {mark.item.code: {"value": "no"}}
    assert change.after == {mark.item.code: {"value": "yes"}}


def test_rejected_dispute_changes_nothing(reply_open, school_staff, council_member, school_entry):
    mark = _no_mark(school_entry, "service")
    before = _value(school_entry.cycle, school_entry, keys.ACCESS_SERVICE_CONDITIONS).value
    with time_machine.travel(OPENS + datetime.timedelta(days=1), tick=False):
        dispute = services.create_dispute(school_staff, mark, "Сурдопереводчик приглашается по договору.")
        with pytest.raises(ValidationError, match="обоснование"):
            services.decide_dispute(council_member, dispute, accept=False, reason="")
        services.decide_dispute(council_member, dispute, accept=False, reason="Договор не представлен.")
        with pytest.raises(ValidationError, match="уже принято"):
            services.decide_dispute(council_member, dispute, accept=True, reason="Передумали.")
    mark.refresh_from_db()
    assert (mark.value, mark.preliminary_value) == (Mark.NO, None)
    assert _value(school_entry.cycle, school_entry, keys.ACCESS_SERVICE_CONDITIONS).value == before


def test_disputes_outside_the_window_are_refused_with_the_deadline(reply_open, school_staff, school_entry):
    mark = _no_mark(school_entry)
    with (
        time_machine.travel(OPENS - datetime.timedelta(hours=1), tick=False),
        pytest.raises(ValidationError, match="ещё не открыт"),
    ):
        services.create_dispute(school_staff, mark, "Пандус есть у запасного входа.")
    with time_machine.travel(utc(2026, 11, 9, 13, 59, 0), tick=False):  # 23:59 local on the last day
        services.create_dispute(school_staff, mark, "Пандус есть у запасного входа.")
    other = _no_mark(school_entry, "comfort") or _no_mark(school_entry, "service")
    with (
        time_machine.travel(utc(2026, 11, 9, 14, 0, 1), tick=False),  # 00:00:01 local, next day
        pytest.raises(ValidationError) as refused,
    ):
        services.create_dispute(school_staff, other, "Кулер заменён в день проверки.")
    assert "Срок подачи возражений истёк 09.11.2026 23:59 (Asia/Vladivostok)" in refused.value.messages[0]


def test_only_the_organization_itself_replies_and_only_once_per_item(
    reply_open, school_staff, municipal_official, operator_user, school_entry
):
    mark = _no_mark(school_entry)
    with time_machine.travel(OPENS + datetime.timedelta(days=1), tick=False):
        for stranger in (municipal_official, operator_user):
            with pytest.raises(PermissionDenied):
                services.create_dispute(stranger, mark, "Возражение от чужого имени.")
        services.create_dispute(school_staff, mark, "Пандус установлен в августе.")
        with pytest.raises(ValidationError, match="уже есть возражение"):
            services.create_dispute(school_staff, mark, "Повторное возражение по тому же пункту.")
        yes_mark = ChecklistMark.objects.filter(
            result__cycle_organization=school_entry, value=Mark.YES, item__allows_na=False
        ).first()
        with pytest.raises(ValidationError, match="уже такая"):
            services.create_dispute(school_staff, yes_mark, "Прошу оставить отметку как есть.", Mark.YES)


def test_municipal_official_cannot_decide_but_council_can_take_it(
    reply_open, school_staff, municipal_official, council_member, operator_user, school_entry
):
    mark = _no_mark(school_entry)
    with time_machine.travel(OPENS + datetime.timedelta(days=1), tick=False):
        dispute = services.create_dispute(school_staff, mark, "Пандус установлен в августе.")
    with pytest.raises(PermissionDenied):
        services.decide_dispute(municipal_official, dispute, accept=True, reason="Согласны с организацией.")
    with time_machine.travel(OPENS + datetime.timedelta(days=10), tick=False):
        assert services.refer_unresolved(operator_user, school_entry.cycle) >= 1
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.COUNCIL
    assert dispute in services.council_agenda(school_entry.cycle)
    services.decide_dispute(council_member, dispute, accept=True, reason="Совет принял довод организации.")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.ACCEPTED and dispute.mark.value == Mark.YES


def test_results_are_locked_once_the_organizations_may_reply(reply_open, operator_user, school_entry):
    result = ChecklistResult.objects.get(cycle_organization=school_entry, building__isnull=True)
    with pytest.raises(ValidationError, match="только решениями по возражениям"):
        services.reopen_result(operator_user, result)


def test_reply_window_is_set_only_by_those_who_run_the_cycle(school_staff, council_member, school_entry):
    for user in (school_staff, council_member):
        with pytest.raises(PermissionDenied):
            services.set_reply_window(user, school_entry.cycle, working_days=5)
