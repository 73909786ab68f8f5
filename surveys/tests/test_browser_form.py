"""A parent fills the form on a phone by keyboard only; the answer is counted; the page passes a11y checks."""

import datetime

import pytest

from cycles.models import Cycle, CycleOrganization, Phase
from lib.score_inputs import SURVEY_RESPONDENTS, survey_answered, survey_yes
from registry.models import Organization, Territory
from surveys import score_inputs, services
from surveys.models import Campaign, Response, SurveyLink

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ru-RU",
}

# Checks in the spirit of axe-core: names for controls, legends, landmarks, language, contrast, target size.
A11Y_AUDIT = """() => {
  const problems = [];
  const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  if (document.documentElement.lang !== 'ru') problems.push('html lang is not ru');
  if (!document.querySelector('main')) problems.push('no main landmark');
  if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
  for (const el of document.querySelectorAll('input, textarea, select')) {
    if (el.type === 'hidden') continue;
    if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) problems.push('unlabelled ' + el.name);
  }
  for (const fs of document.querySelectorAll('fieldset')) {
    if (!fs.querySelector(':scope > legend')) problems.push('fieldset without legend ' + fs.id);
  }
  for (const el of document.querySelectorAll('[aria-describedby]')) {
    for (const id of el.getAttribute('aria-describedby').split(/\\s+/).filter(Boolean)) {
      if (!document.getElementById(id)) problems.push('aria-describedby points nowhere: ' + id);
    }
  }
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode;
    const el = text.parentElement;
    if (!text.textContent.trim() || !visible(el)) continue;
    const style = getComputedStyle(el);
    const fg = lum(rgb(style.color).slice(0, 3)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && style.fontWeight >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      problems.push('contrast ' + ratio.toFixed(2) + ': ' + text.textContent.trim().slice(0, 40));
    }
  }
  for (const label of document.querySelectorAll('label.opt')) {
    const box = label.getBoundingClientRect();
    if (visible(label) && box.height < 44) problems.push('small target ' + label.textContent.trim());
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push('horizontal scrolling');
  return problems;
}"""


@pytest.fixture
def phone_link(transactional_db):
    services.forget_links()
    region = Territory.objects.create(name="Тестовая область", kind="region", timezone="Asia/Vladivostok")
    org = Organization.objects.create(
        full_name="Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 5»",
        short_name="МБОУ СОШ № 5",
        inn="2540000005",
        org_type="oo",
        territory=region,
        contingent=500,
    )
    cycle = Cycle.objects.create(territory=region, year=2026, title="НОКО 2026", phase=Phase.COLLECTION)
    entry = CycleOrganization.objects.create(cycle=cycle, organization=org)
    today = datetime.date.today()
    Campaign.objects.create(
        cycle=cycle,
        questionnaire=services.get_questionnaire("675n-edu-v1"),
        status=Campaign.Status.PUBLISHED,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=3),
    )
    services._forms.clear()
    yield SurveyLink.objects.create(cycle_organization=entry, code="PH5K7Q")
    services.forget_links()
    services._forms.clear()


def _answer(page, name: str, value: str) -> None:
    """Tab to the radio group NAME and choose VALUE with the keyboard (Space for the first option, arrows after)."""
    _settle(page)
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == name:
            break
    else:
        raise AssertionError(f"keyboard focus never reached {name}")
    values = page.eval_on_selector_all(f"input[name={name}]", "els => els.map(e => e.value)")
    page.keyboard.press("Space")
    for _ in range(values.index(value)):
        page.keyboard.press("ArrowDown")
    _settle(page)
    assert page.is_checked(f"input[name={name}][value={value}]")


def _settle(page) -> None:
    """Wait until htmx has no request, swap or settle in flight, so keyboard focus is not moved under us."""
    page.wait_for_timeout(50)
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def test_parent_fills_the_form_on_a_phone_by_keyboard(phone_link, live_server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    url = f"{live_server.url}/surveys/a/{phone_link.code}/"
    page.goto(url)
    assert page.evaluate(A11Y_AUDIT) == []

    _answer(page, "respondent_group", "parent_pupil")
    _answer(page, "info_stand_used", "yes")
    _answer(page, "info_stand_satisfied", "yes")
    _answer(page, "info_site_used", "no")
    page.wait_for_selector("#after-info_site_used .skipped")  # htmx: the server skipped question 4
    assert page.locator("input[name=info_site_satisfied]").count() == 0

    # a closed tab is resumed from the answers kept in this browser
    page.reload()
    assert page.is_visible("#resume-note")
    assert page.is_checked("input[name=info_stand_used][value=yes]")
    page.wait_for_selector("#after-info_site_used .skipped")
    page.focus("#f-info_site_used-no")

    _answer(page, "comfort_satisfied", "yes")
    _answer(page, "disability", "no")
    page.wait_for_selector("#after-disability .skipped")
    _answer(page, "first_contact_polite", "yes")
    _answer(page, "service_staff_polite", "no")
    _answer(page, "remote_used", "yes")
    _answer(page, "remote_polite", "yes")
    _answer(page, "recommend", "yes")
    _answer(page, "org_conditions_satisfied", "yes")
    _answer(page, "overall_satisfied", "yes")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "suggestions"
    page.keyboard.type("Больше кружков для младших школьников")
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}thanks/")
    assert "Спасибо" in page.inner_text("h1")
    assert page.evaluate(A11Y_AUDIT) == []
    assert page.evaluate(f"() => localStorage.getItem('noko-survey-{phone_link.code}')") is None

    stored = Response.objects.get(cycle_organization=phone_link.cycle_organization)
    assert stored.answers["info_site_used"] == "no" and "info_site_satisfied" not in stored.answers
    assert stored.answers["suggestions"] == "Больше кружков для младших школьников"
    values = {v.key: int(v.value) for v in score_inputs.provide(phone_link.cycle_organization.cycle)}
    assert values[SURVEY_RESPONDENTS] == 1
    assert values[survey_yes("service_staff_polite")] == 0 and values[survey_answered("service_staff_polite")] == 1
    assert values[survey_answered("info_site_satisfied")] == 0
    context.close()


def test_large_print_high_contrast_version_passes_the_checks(phone_link, live_server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/surveys/a/{phone_link.code}/?a11y=1")
    assert "a11y" in page.get_attribute("body", "class")
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") >= 22
    assert page.evaluate(A11Y_AUDIT) == []
    context.close()
