"""Topic tagging of reviews by keyword rules kept as data (Topic rows), and the negative flag."""

from __future__ import annotations

import datetime

from busgov import services
from busgov.models import CitizenReview, Topic
from busgov.tagging import Tagger, TopicRule, shipped_rules


def test_shipped_rules_tag_typical_reviews():
    tag = Tagger(shipped_rules(), ["ужас", "хамств"])
    assert tag.topics("Вкусное питание, каша горячая") == ["food"]
    assert set(tag.topics("Нет пандуса, ребёнок на коляске не может попасть в здание")) == {"accessibility"}
    assert "safety" in tag.topics("На входе нет охранника")
    assert "staff" in tag.topics("Воспитатели внимательные")
    assert "information" in tag.topics("На сайте нет расписания")
    assert tag.topics("Всё хорошо") == []
    assert tag.topics("Учёба") == []  # ё and е are the same letter, but no rule matches
    assert tag.criteria(["food", "accessibility", "staff"]) == ["K2", "K3", "K4"]
    assert tag.sounds_negative("Ужасное отношение") and not tag.sounds_negative("Прекрасное отношение")


def test_keyword_is_a_word_beginning():
    tag = Tagger([TopicRule("food", "питание", "K2", ("еда",))])
    assert tag.topics("Еда вкусная") == ["food"]
    assert tag.topics("Победа команды") == []  # «еда» inside a word does not count


def test_negative_by_rating_then_by_words(db):
    tag = services.tagger()
    assert services.classify("Отличная школа", 2, {}, tag, 2)[2] is True
    assert services.classify("Плохо", 4, {}, tag, 2)[2] is False  # the rating decides when there is one
    assert services.classify("", None, {"K1": 1, "K2": 2}, tag, 2)[2] is True
    assert services.classify("Ужасное отношение, хамство", None, {}, tag, 2)[2] is True
    assert services.classify("Спасибо учителям", None, {}, tag, 2)[2] is False


def test_edited_rules_retag_reviews(school_staff, school, admin_user):
    review = services.add_review(
        school_staff, school, {"posted_on": datetime.date(2026, 5, 5), "rating": 4, "text": "Бассейн холодный"}
    )
    assert "sport" not in review.topics
    Topic.objects.create(code="sport", label="спорт", criterion_code="K2", keywords=["бассейн", "спортзал"], order=9)
    changed = services.retag_reviews(admin_user, CitizenReview.objects.filter(pk=review.pk))
    review.refresh_from_db()
    assert changed == 1 and "sport" in review.topics and "K2" in review.criteria
    assert services.retag_reviews(admin_user, CitizenReview.objects.filter(pk=review.pk)) == 0
