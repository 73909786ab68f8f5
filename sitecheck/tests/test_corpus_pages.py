"""Every per-page expected result of the corpus README, reproduced by the itemprop walker."""

from __future__ import annotations

import datetime as dt

import pytest

from sitecheck.engine.analysis import check_section
from sitecheck.engine.page import decode, parse_page
from sitecheck.tests.conftest import CORPUS, expected_pages

BEFORE_COPY_REPEAL = dt.date(2025, 6, 1)  # the corpus pages predate 01.09.2025: copy is still required
PAGES = expected_pages()


def _analyse(rulebook, page, *, org_type=None, as_of=BEFORE_COPY_REPEAL, tolerant=False):
    body = (CORPUS / page.folder / page.path).read_bytes()
    text, encoding = decode(body, None)
    parsed = parse_page(f"http://corpus.test/{page.path}", text, rulebook, encoding=encoding)
    return check_section(
        rulebook, rulebook.sections[page.section], [parsed], org_type=org_type, as_of=as_of, tolerant=tolerant
    )


def test_readme_lists_every_saved_site_with_markup():
    assert len(PAGES) >= 30
    assert {p.folder for p in PAGES} == {
        "rossolovo-ldska",
        "avtodom-redoutable95",
        "ipbaishev-ip",
        "mr2020-templates-qzya",
    }


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_page_matches_readme(rulebook, page):
    result = _analyse(rulebook, page)
    children = result.children_missing(mr9=True)
    assert {name: sorted(children.get(name, [])) for name in result.present()} == page.present
    assert sorted(result.missing_required(mr9=True)) == page.missing
    assert sorted(result.absent_conditional(mr9=True)) == page.absent
    assert result.foreign_names() == page.foreign


def _page(folder, path, section):
    return next(p for p in PAGES if p.folder == folder and p.path == path and p.section == section)


def test_type_filter_drops_blocks_a_driving_school_does_not_have(rulebook):
    page = _page("avtodom-redoutable95", "sveden/education.html", "education")
    result = _analyse(rulebook, page, org_type="PO")
    expected = set(page.missing) - {"eduNir", "graduateJob", "eduPriemEl"}
    assert set(result.missing_required()) == expected
    assert "eduNir" not in {f.name for f in result.rule_findings()}


def test_kindergarten_does_not_need_forms_and_subjects_in_edu_accred(rulebook):
    page = _page("mr2020-templates-qzya", "sveden/education.html", "education")
    school = _analyse(rulebook, page, org_type="SCH").children_missing()
    kindergarten = _analyse(rulebook, page, org_type="DOU").children_missing()
    assert {"eduPred", "eduPrac"} <= set(school["eduAccred"])
    assert "eduPred" not in kindergarten["eduAccred"] and "eduPrac" not in kindergarten["eduAccred"]
    assert "eduProf" in kindergarten["eduAccred"]


def test_copy_is_not_required_after_its_repeal(rulebook):
    page = _page("avtodom-redoutable95", "sveden/grants.html", "grants")
    assert "copy" in _analyse(rulebook, page).missing_required()
    after = _analyse(rulebook, page, as_of=dt.date(2026, 3, 1))
    assert "copy" not in after.missing_required()
    assert "copy" in after.absent_conditional()


def test_legacy_capitalised_names_count_only_in_tolerant_mode(rulebook):
    page = _page("rossolovo-ldska", "sveden/common/index.html@set_template=default.html", "common")
    strict = _analyse(rulebook, page)
    tolerant = _analyse(rulebook, page, tolerant=True)
    assert strict.items_placed == 0
    legacy = {f.name for f in tolerant.rule_findings() if f.status == "legacy"}
    assert {"fullName", "regDate", "address", "workTime", "telephone", "email", "uchredLaw"} <= legacy
    assert tolerant.items_placed >= 7
    foreign = {f.name: f.status for f in strict.findings if f.kind == "foreign"}
    assert foreign["E-mail"] == "legacy" and foreign["RegDate"] == "legacy"


def test_placeholder_values_of_templates_count_as_absent(rulebook):
    page = _page("mr2020-templates-qzya", "sveden/common.html", "common")
    result = _analyse(rulebook, page)
    statuses = {f.name: f.status for f in result.rule_findings()}
    assert statuses["regDate"] == "empty"  # «дд.мм.гггг»
    assert statuses["telephone"] == "empty"  # «(000) 000-00-00»
    assert statuses["address"] == "ok"
    assert "regDate" in result.present()  # markup is there, as the README says


def test_rows_of_a_wrong_parent_are_reported_incomplete(rulebook):
    page = _page("avtodom-redoutable95", "sveden/vacant.html", "vacant")
    vacant = next(f for f in _analyse(rulebook, page).rule_findings() if f.name == "vacant")
    assert vacant.data["rows"] == 10
    assert vacant.data["rows_incomplete"] == 9
    assert "неполные" in vacant.message


def test_typo_in_a_value_is_reported(rulebook):
    page = _page("avtodom-redoutable95", "sveden/budget.html", "budget")
    typos = [f for f in _analyse(rulebook, page).rule_findings() if f.data.get("typo")]
    assert typos and typos[0].data["typo"] == "отсутсвует"
    volume = next(f for f in _analyse(rulebook, page).rule_findings() if f.name == "finPVolume")
    assert volume.status == "empty"  # «___________ руб.»
