"""In the browser: the operator checks a school's site served on loopback and reads the report by subsection;
the school's staff sees its own report and not another organization's."""

from __future__ import annotations

import re

import pytest

from cycles.models import CycleOrganization
from sitecheck import services
from sitecheck.loopback import ThreadedLoopback
from sitecheck.models import SiteCheck, SiteFinding

pytestmark = pytest.mark.browser


def _html(title: str, body: str) -> bytes:
    return (
        f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><nav><a href="/sveden/">Сведения об образовательной организации</a></nav>'
        f"<main><h1>{title}</h1>{body}</main></body></html>"
    ).encode()


_TEACHER = (
    '<tr itemprop="teachingStaff"><td itemprop="fio">{fio}</td><td itemprop="post">учитель</td>'
    '<td itemprop="teachingLevel">высшее, учитель математики</td><td itemprop="specExperience">12</td>'
    '<td itemprop="teachingOp"><a href="/sveden/education/">ООП ООО</a></td></tr>'
)

# The school's site: «Основные сведения» without a telephone, teachers without their subjects.
SCHOOL_SITE = {
    "/": _html("Средняя школа № 1", '<p>Телефон: <a href="tel:+74232200000">+7 (4232) 20-00-00</a></p>'),
    "/sveden/": _html(
        "Сведения об образовательной организации",
        '<ul><li><a href="/sveden/common/">Основные сведения</a></li>'
        '<li><a href="/sveden/employees/">Педагогический состав</a></li></ul>',
    ),
    "/sveden/common/": _html(
        "Основные сведения",
        '<p itemprop="fullName">Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 1»</p>'
        '<p>Дата создания: <span itemprop="regDate">01.09.1975</span></p>'
        '<div itemprop="uchredLaw">Учредитель: <span itemprop="nameUchred">Администрация города</span></div>'
        '<p itemprop="address">ул. Мира, 1</p><p itemprop="workTime">пн–пт 8:00–17:00</p>'
        '<p>E-mail: <span itemprop="email">school1@edu-example.ru</span></p>'
        '<p><a itemprop="licenseDocLink" href="/docs/license.pdf">Выписка из реестра лицензий</a></p>',
    ),
    "/sveden/employees/": _html(
        "Педагогический состав",
        "<table>"
        + _TEACHER.format(fio="Иванова Анна Сергеевна")
        + _TEACHER.format(fio="Петров Олег Петрович")
        + "</table>",
    ),
}
OTHER_SITE = {
    "/": _html("Детский сад № 7", ""),
    "/sveden/": _html("Сведения", '<a href="/sveden/common/">Основные сведения</a>'),
    "/sveden/common/": _html("Основные сведения", '<p itemprop="fullName">Детский сад № 7</p>'),
}


@pytest.fixture
def sites():
    with ThreadedLoopback({"school-site": SCHOOL_SITE, "other-site": OTHER_SITE}) as server:
        yield server


@pytest.fixture
def other_check(live_demo, sites):
    """A finished check of another organization's site (made before the browser starts its event loop)."""
    school = live_demo.users["school"].memberships.get().organization
    entry = (
        CycleOrganization.objects.included()
        .filter(cycle__in=live_demo.current_cycles)
        .exclude(organization=school)
        .select_related("organization")
        .order_by("pk")
        .first()
    )
    entry.organization.website = sites.url("other-site")
    entry.organization.save()
    check = services.start_check(live_demo.users["operator"], entry.organization, cycle_organization=entry)
    check.refresh_from_db()
    assert check.status == SiteCheck.Status.DONE, check.error
    return check


def _section(page, title: str):
    return page.locator("details.sc-section").filter(has=page.locator("summary b", has_text=re.compile(f"^{title}$")))


def _finding_row(section, itemprop: str):
    """The report row of ITEMPROP: its first cell holds exactly the name."""
    return section.locator("tbody tr").filter(has=section.page.get_by_text(itemprop, exact=True))


def test_operator_checks_a_site_and_the_school_sees_only_its_own_report(
    live_demo, sites, other_check, login_as, page, live_server
):
    operator = live_demo.users["operator"]
    school = live_demo.users["school"].memberships.get().organization
    school.website = sites.url("school-site")
    school.save()
    before = set(SiteCheck.objects.filter(organization=school).values_list("pk", flat=True))

    # the operator starts a check from the organization's page
    login_as("operator")
    page.goto(f"{live_server.url}/sitecheck/organizations/{school.pk}/")
    assert sites.url("school-site") in page.locator(".titlebar").inner_text()
    page.locator(f"form[action='/sitecheck/organizations/{school.pk}/check/'] button").click()
    page.wait_for_url(re.compile(r"/sitecheck/checks/\d+/$"))
    check = SiteCheck.objects.filter(organization=school).exclude(pk__in=before).get()
    assert page.url == f"{live_server.url}/sitecheck/checks/{check.pk}/"
    assert check.status == SiteCheck.Status.DONE and check.created_by == operator
    assert check.pages.filter(url__startswith=sites.url("school-site")).count() >= 4

    # «Основные сведения»: what is missing, what to do and on what legal basis, as the check found it
    common = _section(page, "Основные сведения")
    missing = set(
        check.findings.filter(section="common", kind=SiteFinding.Kind.RULE, status="missing").values_list(
            "itemprop", flat=True
        )
    )
    assert "telephone" in missing and "fullName" not in missing
    shown = set(common.locator("tr.sc-row-missing td:first-child code").all_inner_texts())
    assert shown == missing
    telephone = _finding_row(common, "telephone")
    cells = telephone.locator("td").all_inner_texts()
    assert cells[1] == "Контактные телефоны"
    assert cells[2] == "отсутствует"
    assert "Добавьте на страницу «Основные сведения» (/sveden/common)" in cells[3]
    assert 'itemprop="telephone"' in cells[3]
    assert cells[4] == "Приказ Рособрнадзора № 1493, п. 7; МР 9.0.0, табл. 3.2.1"
    assert _finding_row(common, "fullName").count() == 0  # placed items are shown only on request
    placed, not_placed = (
        check.findings.filter(section="common", kind=SiteFinding.Kind.RULE, required=True, placed=flag).count()
        for flag in (True, False)
    )
    assert f"— {placed} / {placed + not_placed}" in common.locator("summary").inner_text()

    # «Педагогический состав»: rows without a required child, with the number of records
    staff = _finding_row(_section(page, "Педагогический состав"), "teachingStaff")
    cells = staff.locator("td").all_inner_texts()
    assert cells[2].startswith("неполные записи") and "записей: 2" in cells[2]
    assert 'нет обязательных дочерних элементов: itemprop="teachingDiscipline"' in cells[3]
    assert cells[4].startswith("Приказ Рособрнадзора № 1493, п. 12")

    # all items, placed ones included
    page.get_by_role("link", name="Показать все сведения, включая размещённые").click()
    page.wait_for_url("**?all=1")
    full_name = _finding_row(_section(page, "Основные сведения"), "fullName").locator("td").all_inner_texts()
    assert full_name[2] == "размещено"
    assert "«Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 1»»" in full_name[1]

    # the school's staff: its own site and report, nobody else's
    page.context.clear_cookies()
    login_as("school")
    page.goto(f"{live_server.url}/sitecheck/")
    assert page.url == f"{live_server.url}/sitecheck/organizations/{school.pk}/"
    listed = page.locator("table.sc-checks tbody a").evaluate_all("links => links.map(a => a.pathname)")
    assert f"/sitecheck/checks/{check.pk}/" in listed
    assert f"/sitecheck/checks/{other_check.pk}/" not in listed
    page.goto(f"{live_server.url}/sitecheck/checks/{check.pk}/")
    own = _finding_row(_section(page, "Основные сведения"), "telephone").locator("td").all_inner_texts()
    assert own[2] == "отсутствует"
    assert page.get_by_role("button", name="Проверить снова").is_visible()
    assert page.goto(f"{live_server.url}/sitecheck/checks/{other_check.pk}/").status == 404
    assert page.goto(f"{live_server.url}/sitecheck/organizations/{other_check.organization_id}/").status == 404
