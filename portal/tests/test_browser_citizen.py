"""A parent on a phone finds a school on the public portal and reads its results; pages fit the screen."""

import pytest

from reports.formatting import ru_number
from scoring.models import Result

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}

# What the basic accessibility scan checks on every page: language, one h1, a main landmark, labelled form
# fields, images with alternative text, links with a name, no horizontal scrolling of the page.
SCAN = """() => {
  const problems = [];
  if (document.documentElement.lang !== 'ru') problems.push('html lang');
  if (document.querySelectorAll('h1').length !== 1) problems.push('h1 count');
  if (!document.querySelector('main')) problems.push('main landmark');
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const labelled = (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.getAttribute('aria-label');
    if (!labelled) problems.push('unlabelled ' + (el.name || el.id));
  }
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push('img alt');
  for (const a of document.querySelectorAll('a')) {
    if (!a.textContent.trim() && !a.getAttribute('aria-label')) problems.push('empty link');
  }
  const width = document.documentElement.scrollWidth;
  if (width > window.innerWidth + 1) problems.push('page wider than screen: ' + width);
  return problems;
}"""


def _published_school():
    result = (
        Result.objects.published()
        .filter(code="S", cycle_organization__organization__org_type="oo", value__isnull=False)
        .select_related("cycle_organization__organization__territory")
        .order_by("cycle_organization__organization__short_name")
        .first()
    )
    return result.cycle_organization.organization, result.value


def test_citizen_finds_a_school_on_a_phone(live_demo, browser, live_server, tmp_path):
    school, total = _published_school()
    context = browser.new_context(**PHONE, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/public/")
    assert page.evaluate(SCAN) == []
    page.screenshot(path=str(tmp_path / "phone-home.png"), full_page=True)

    query = school.short_name.split("«")[0].strip() if "«" in school.short_name else school.short_name
    page.fill("#portal-q", query)
    page.click("form.portal-search button[type=submit]")
    page.wait_for_url("**/public/search/**")
    link = page.get_by_role("link", name=school.short_name, exact=True)
    assert link.count() == 1
    link.tap()
    page.wait_for_url(f"**/public/org/{school.pk}/")
    assert page.locator("h1").inner_text() == school.full_name
    assert page.locator(".score .big").inner_text() == ru_number(total)
    assert page.locator("ul.bars li").count() == 5
    assert page.evaluate(SCAN) == []
    page.screenshot(path=str(tmp_path / "phone-organization.png"), full_page=True)

    page.goto(f"{live_server.url}/public/t/{school.territory.parent_id}/")
    page.locator("ul.years a").first.tap()
    page.wait_for_url("**/public/t/*/*/")
    assert page.locator("table.results tbody tr").count() > 0
    assert page.evaluate(SCAN) == []
    page.screenshot(path=str(tmp_path / "phone-results.png"), full_page=True)
    context.close()


def test_main_pages_fit_a_desktop_and_a_phone(live_demo, browser, live_server, tmp_path):
    school, _total = _published_school()
    region = school.territory.parent_id
    year = Result.objects.published().values_list("cycle__year", flat=True).order_by("-cycle__year").first()
    paths = [
        "/public/",
        "/public/about/",
        f"/public/t/{region}/{year}/",
        f"/public/t/{region}/council/",
        f"/public/org/{school.pk}/",
        "/public/search/?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0",
        "/public/opendata/",
    ]
    for name, options in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(**options, locale="ru-RU")
        page = context.new_page()
        for number, path in enumerate(paths):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            assert page.evaluate(SCAN) == [], (name, path)
            page.screenshot(path=str(tmp_path / f"{name}-{number}.png"), full_page=True)
        context.close()
