"""The questionnaire as data: item codes, gates, validation, and the bits scoring counts."""

import pytest

from lib.score_inputs import SURVEY_ITEM_CODES
from surveys import questionnaire
from surveys.questionnaire import Form, load_definition
from surveys.services import form_for, get_questionnaire


@pytest.fixture(scope="module")
def form():
    return Form.from_definition(load_definition("675n-edu-v1"))


def test_education_questionnaire_has_every_scored_item_in_675n_order_without_item_5(form):
    yes_no = [item.code for item in form.items if item.kind == questionnaire.KIND_YES_NO]
    assert yes_no == list(SURVEY_ITEM_CODES)
    refs = [form.by_code[c].ref for c in ("comfort_satisfied", "overall_satisfied")]
    assert refs == ["675н, вопрос 6", "675н, вопрос 15"]
    assert {item.code: item.gate for item in form.items if item.gate} == {
        "info_stand_satisfied": "info_stand_used",
        "info_site_satisfied": "info_site_used",
        "accessibility_satisfied": "disability",
        "remote_polite": "remote_used",
    }


def test_stored_version_is_the_bundled_data_and_is_loaded_once(db):
    stored = get_questionnaire("675n-edu-v1")
    assert get_questionnaire("675n-edu-v1").pk == stored.pk
    bundled = Form.from_definition(load_definition("675n-edu-v1"))
    assert [i.as_dict() for i in form_for(stored).items] == [i.as_dict() for i in bundled.items]


def test_unknown_version_code_is_refused():
    with pytest.raises(questionnaire.DefinitionError):
        load_definition("../settings")
    with pytest.raises(questionnaire.DefinitionError):
        load_definition("no-such-version")


def test_gate_no_skips_the_satisfaction_item_and_drops_a_stray_answer(form):
    answers = {"respondent_group": "parent_pupil", "info_stand_used": "no", "info_stand_satisfied": "yes"}
    result = form.clean(answers, require=False)
    assert result.ok
    assert "info_stand_satisfied" not in result.answers
    strict = form.clean(answers, require=False, lenient_skips=False)
    assert "info_stand_satisfied" in strict.errors


def test_answer_behind_an_unanswered_gate_is_an_error(form):
    result = form.clean({"info_site_satisfied": "yes"}, require=False)
    assert "на вопрос 3" in result.errors["info_site_satisfied"]


def test_online_form_requires_gates_and_asked_items_but_not_skipped_ones(form):
    result = form.clean({"respondent_group": "adult_student", "info_stand_used": "yes"}, require=True)
    assert "info_stand_satisfied" in result.errors
    assert "info_site_used" in result.errors
    assert "info_site_satisfied" not in result.errors  # its gate is unanswered, the gate carries the error
    assert "suggestions" not in result.errors


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("info_stand_used", "maybe", "Недопустимый ответ"),
        ("respondent_group", "teacher", "Недопустимый ответ"),
        ("age", "сорок", "целое число"),
        ("age", "7", "не меньше 14"),
        ("suggestions", "х" * 2001, "длиннее 2000"),
        ("recommend", ["yes", "no"], "несколько ответов"),
    ],
)
def test_hostile_values_are_named(form, code, value, message):
    result = form.clean({code: value}, require=False)
    assert message in result.errors[code]
    assert result.answers == {}


def test_control_characters_are_removed_from_free_text(form):
    result = form.clean({"suggestions": "  Больше\x00 кружков\x07 "}, require=False)
    assert result.answers["suggestions"] == "Больше кружков"


def test_bits_count_yes_and_answered_per_item_code(form):
    yes, answered = Form.bits({"info_stand_used": "yes", "info_stand_satisfied": "no", "recommend": "yes"})
    index = questionnaire.BIT_OF
    assert yes == (1 << index["info_stand_used"]) | (1 << index["recommend"])
    assert answered == yes | (1 << index["info_stand_satisfied"])


def test_straight_line_needs_every_answer_equal_over_enough_items(form):
    uniform = {code: "yes" for code in SURVEY_ITEM_CODES}
    assert form.is_straight_line(uniform, 10)
    assert not form.is_straight_line({**uniform, "disability": "no", "accessibility_satisfied": "no"}, 10)
    assert not form.is_straight_line({"recommend": "no", "overall_satisfied": "no"}, 10)


def test_diff_names_added_removed_and_changed_items(form):
    data = load_definition("675n-edu-v1")
    data["code"] = "675n-edu-v2"
    data["items"] = [i for i in data["items"] if i["code"] != "sex"]
    data["items"][-1] = {**data["items"][-1], "max_value": 99}
    data["items"].append({"code": "pupil_grade", "text": "Класс", "kind": "number"})
    result = questionnaire.diff(form, Form.from_definition(data))
    assert [i.code for i in result["added"]] == ["pupil_grade"]
    assert [i.code for i in result["removed"]] == ["sex"]
    assert [(i.code, [f[0] for f in fields]) for i, fields in result["changed"]] == [("age", ["max_value"])]


def test_self_contradicting_definition_is_refused():
    with pytest.raises(questionnaire.DefinitionError):
        Form("x", [questionnaire.Item("b", "B", "yes_no", gate="a"), questionnaire.Item("a", "A", "yes_no")])


def test_version_pages_list_items_and_compare(client_for, council_member):
    client = client_for(council_member)
    listing = client.get("/surveys/questionnaires/")
    row = next(r for r in listing.context["rows"] if r["code"] == "675n-edu-v1")
    assert row["cycles"]  # the demo cycles use it
    detail = client.get("/surveys/questionnaires/675n-edu-v1/").content.decode()
    assert "info_stand_satisfied" in detail and "1.3 (Устенд)" in detail
    same = client.get("/surveys/questionnaires/diff/?old=675n-edu-v1&new=675n-edu-v1")
    assert "Версии не различаются" in same.content.decode()
    assert client.get("/surveys/questionnaires/no-such/").status_code == 404
