"""The itemprop walker on small pages, one per edge case a real school site produces."""

from __future__ import annotations

import datetime as dt
import time

from sitecheck.engine.analysis import check_section
from sitecheck.engine.page import parse_page
from sitecheck.engine.site import FetchedPage, SiteCrawl, site_signals

AS_OF = dt.date(2026, 3, 1)


def section(rulebook, code, html, org_type="SCH", tolerant=False):
    page = parse_page("http://school.test/sveden/x/", html, rulebook)
    return check_section(rulebook, rulebook.sections[code], [page], org_type=org_type, as_of=AS_OF, tolerant=tolerant)


def statuses(result):
    return {f.name: f.status for f in result.rule_findings()}


def test_unquoted_and_multi_valued_attributes(rulebook):
    result = section(
        rulebook, "common", "<p itemprop=fullName>Школа</p><p itemprop='address workTime'>ул. Мира, 1; 8–17</p>"
    )
    assert statuses(result)["fullName"] == "ok"
    assert statuses(result)["address"] == statuses(result)["workTime"] == "ok"


def test_empty_itemprop_is_reported_and_ignored(rulebook):
    result = section(rulebook, "common", '<p itemprop="">Школа</p><p itemprop=" ">x</p>')
    assert statuses(result)["fullName"] == "missing"
    empty = next(f for f in result.findings if f.status == "empty_itemprop")
    assert empty.data["count"] == 2


def test_hidden_and_commented_markup_counts_as_absent(rulebook):
    html = (
        '<div style="display: none"><p itemprop="fullName">Школа</p></div>'
        '<!-- <table><tr itemprop="rucovodstvo"><td itemprop="fio">Иванов</td></tr></table> -->'
        '<p hidden itemprop="address">ул. Мира</p>'
    )
    result = section(rulebook, "common", html)
    assert statuses(result)["fullName"] == "hidden"
    assert statuses(result)["address"] == "hidden"
    assert not any(f.placed for f in result.rule_findings())
    managers = section(rulebook, "managers", html)
    assert statuses(managers)["rucovodstvo"] == "missing"


def test_typographic_quotes_and_spaces_in_names(rulebook):
    result = section(
        rulebook, "catering", '<table><tr itemprop="”meals”"><td itemprop=" objName">Столовая</td></tr></table>'
    )
    finding = next(f for f in result.rule_findings() if f.name == "meals")
    assert finding.status == "incomplete"
    assert finding.data["children_missing"] == ["objAddress", "objOvz"]


def test_children_are_checked_inside_each_parent_row(rulebook):
    html = (
        "<table>"
        '<tr itemprop="rucovodstvoZam"><td itemprop="fio">Петрова А. С.</td><td itemprop="post">заместитель</td>'
        '<td itemprop="telephone">+7 (4232) 22-33-44</td><td itemprop="email">z@s.ru</td></tr>'
        '<tr itemprop="rucovodstvoZam"><td itemprop="fio">Сидоров О. П.</td><td itemprop="post">заместитель</td></tr>'
        "</table>"
        '<p itemprop="fio">Иванов И. И.</p><p itemprop="post">директор</p>'
    )
    result = section(rulebook, "managers", html)
    zam = next(f for f in result.rule_findings() if f.name == "rucovodstvoZam")
    assert zam.status == "ok" and zam.data["rows"] == 2 and zam.data["rows_incomplete"] == 1
    assert zam.data["rows_missing"] == {"email": 1, "telephone": 1}
    assert statuses(result)["rucovodstvo"] == "missing"  # fio/post outside a parent do not make a head
    orphans = {f.name for f in result.findings if f.status == "orphan"}
    assert orphans == {"fio", "post"}


def test_child_after_the_parent_closes_does_not_count(rulebook):
    html = '<div itemprop="uchredLaw"><span>Учредитель</span></div><span itemprop="nameUchred">Управление</span>'
    result = section(rulebook, "common", html)
    uchred = next(f for f in result.rule_findings() if f.name == "uchredLaw")
    assert uchred.status == "incomplete" and uchred.data["children_missing"] == ["nameUchred"]


def test_placeholders_and_dead_links_count_as_absent(rulebook):
    html = (
        '<a itemprop="ustavDocLink" href="#">Устав</a>'
        '<a itemprop="localActStud" href=??>??</a>'
        '<span itemprop="localActOrder"> </span>'
        '<a itemprop="priemDocLink" href="/docs/priem.pdf">Правила приёма (PDF, 120 КБ)</a>'
        '<span itemprop="modeDocLink">Отсутствует</span>'
    )
    result = section(rulebook, "document", html)
    found = statuses(result)
    assert found["ustavDocLink"] == found["localActStud"] == found["localActOrder"] == "empty"
    assert found["priemDocLink"] == "ok" and found["modeDocLink"] == "ok"
    assert result.items_placed == 2


def test_legacy_names_are_tolerated_only_on_request(rulebook):
    html = '<p itemprop="addressPlace">с. Ивановка</p><p itemprop="Telephone">8 (4232) 1-11-11</p>'
    strict = section(rulebook, "common", html)
    tolerant = section(rulebook, "common", html, tolerant=True)
    assert statuses(strict)["addressPlaceSet"] == "missing" and statuses(strict)["telephone"] == "missing"
    assert "устаревшее имя" in next(f for f in strict.rule_findings() if f.name == "telephone").message
    assert statuses(tolerant)["addressPlaceSet"] == "legacy" and statuses(tolerant)["telephone"] == "legacy"
    assert tolerant.items_placed == strict.items_placed + 2


def test_misplaced_and_unknown_names(rulebook):
    result = section(rulebook, "inter", '<p itemprop="dogovorInter">нет</p><p itemprop="meals">нет</p>')
    kinds = {f.name: f.status for f in result.findings if f.kind == "foreign"}
    assert kinds == {"dogovorInter": "unknown", "meals": "misplaced"}


def test_itemscope_and_itemtype_do_not_confuse_the_walker(rulebook):
    html = (
        '<div itemprop="UchredLaw" itemscope itemtype="http://obrnadzor.gov.ru/microformats/UchredLaw">'
        '<span itemprop="nameUchred">Администрация</span></div>'
    )
    result = section(rulebook, "common", html, tolerant=True)
    assert statuses(result)["uchredLaw"] == "legacy"


def test_links_opened_by_javascript_and_placeholder_links(rulebook):
    html = (
        "<button onclick=\"window.open('https://bus.gov.ru/info-card/123456')\">Оценить</button>"
        '<a href="#">Оставить отзыв</a><a href="tel:+74232223344">+7 (4232) 22-33-44</a>'
        "<p>Часто задаваемые вопросы</p>"
    )
    page = parse_page("http://school.test/", html, rulebook)
    crawl = SiteCrawl(start_url="http://school.test/")
    crawl.home = FetchedPage(
        role="home", url="http://school.test/", final_url="http://school.test/", status=200, parsed=page
    )
    crawl.pages.append(crawl.home)
    findings, facts = site_signals(rulebook, crawl)
    assert facts["channels"]["opinion"] and facts["channels"]["phone"] and facts["channels"]["faq"]
    opinion = next(f for f in findings if f.code == "channel.opinion")
    assert opinion.data["how"] == "busgov_js"


def test_questionnaire_link_is_recognised(rulebook):
    html = '<a href="https://noko.example/public/survey/7/">Анкета для оценки качества условий</a>'
    page = parse_page("http://school.test/", html, rulebook)
    crawl = SiteCrawl(start_url="http://school.test/")
    crawl.home = FetchedPage(
        role="home", url="http://school.test/", final_url="http://school.test/", status=200, parsed=page
    )
    crawl.pages.append(crawl.home)
    _findings, facts = site_signals(rulebook, crawl, ("noko.example/",))
    assert facts["questionnaire"] and facts["channels"]["opinion"]
    _findings, facts = site_signals(rulebook, SiteCrawl(start_url="x"))
    assert not facts["questionnaire"]


def test_a_large_staff_page_is_parsed_whole(rulebook):
    row = (
        '<tr itemprop="teachingStaff"><td itemprop="fio">Иванова Анна Сергеевна</td><td itemprop="post">учитель</td>'
        '<td itemprop="teachingDiscipline">Математика, информатика</td><td itemprop="teachingLevel">высшее</td>'
        '<td itemprop="specExperience">12</td><td itemprop="teachingOp">ООП ООО</td>'
        "<td>" + "Повышение квалификации по программе «Современные технологии обучения», 72 ч. " * 30 + "</td></tr>"
    )
    html = "<html><body><table>" + row * 700 + "</table></body></html>"
    assert len(html.encode()) > 2_500_000
    started = time.perf_counter()
    result = section(rulebook, "employees", html)
    elapsed = time.perf_counter() - started
    staff = next(f for f in result.rule_findings() if f.name == "teachingStaff")
    assert staff.status == "ok" and staff.data["rows"] == 700 and staff.data["rows_incomplete"] == 0
    assert elapsed < 5  # generous; the benchmark measures the real figure
