"""A municipal official imports a bus.gov.ru reviews file in the browser and sees who still has no reviews."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_official_imports_reviews_and_sees_organizations_without_reviews(live_demo, live_server, login_as, page):
    from django.contrib.auth.models import User

    from busgov import monitoring
    from busgov.models import CitizenReview

    official = User.objects.get(username="mun1")
    municipality = official.memberships.get().territory
    year = 2026
    orgs = list(monitoring.organizations(official).order_by("short_name"))
    quiet = orgs[:3]
    CitizenReview.objects.filter(organization__in=quiet, posted_on__year=year).delete()
    before = monitoring.review_summary(official, year)
    assert {o.pk for o in quiet} <= {o.pk for o in before.without_reviews}

    lines = ["Номер отзыва;ИНН;Дата отзыва;Общая оценка;Текст отзыва"]
    lines.append(f"8800001;{quiet[0].inn};12.03.2026;отлично;Спасибо воспитателям за заботу")
    lines.append(f"8800002;{quiet[1].inn};14.03.2026;2;В столовой холодная еда")
    lines.append("8800003;2799999990;15.03.2026;5;Чужая организация")
    payload = ("\n".join(lines) + "\n").encode("utf-8-sig")

    login_as("mun1")
    page.goto(f"{live_server.url}/busgov/reviews/?year={year}")
    assert page.get_by_test_id("without-reviews").inner_text() == str(before.totals.without_reviews)
    page.get_by_role("link", name="Загрузить выгрузку отзывов").click()
    page.set_input_files("input[type=file]", {"name": "otzyvy-busgov.csv", "mimeType": "text/csv", "buffer": payload})
    page.get_by_role("button", name="Проверить файл").click()

    errors = page.get_by_test_id("errors")
    assert "2799999990" in errors.inner_text() and "не найдена в реестре" in errors.inner_text()
    assert page.get_by_test_id("good-rows").inner_text() == "2"
    assert not CitizenReview.objects.filter(external_id__startswith="88000").exists()  # nothing yet
    page.get_by_label("Загрузить только строки без ошибок; строки с ошибками пропустить").check()
    page.get_by_role("button", name="Загрузить", exact=True).click()
    assert "новых отзывов 2" in page.locator(".messages").inner_text()
    assert page.get_by_test_id("batch-status").inner_text() == "применён"

    page.get_by_role("link", name="Мониторинг отзывов").click()
    assert page.get_by_test_id("without-reviews").inner_text() == str(before.totals.without_reviews - 2)
    listed = page.get_by_test_id("without-list").inner_text()
    assert quiet[2].short_name in listed
    assert quiet[0].short_name not in listed and quiet[1].short_name not in listed
    assert str(municipality) in page.get_by_test_id("by-territory").inner_text()
    assert CitizenReview.objects.get(external_id="8800002").is_negative
