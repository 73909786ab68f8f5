"""Import of a bus.gov.ru reviews export: matching, named errors, nothing half-imported, idempotent re-import."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from busgov import services
from busgov.choices import ImportKind, ImportStatus
from busgov.models import CitizenReview, ReviewResponse
from busgov.tests.conftest import read_fixture
from lib.tables import TableError


def _ours(sample_orgs):
    return CitizenReview.objects.filter(organization__in=sample_orgs.values())


def test_clean_file_is_previewed_then_applied(municipal_official, sample_orgs):
    batch = services.prepare_import(municipal_official, ImportKind.REVIEWS, read_fixture("reviews-2026.csv"), "r.csv")
    assert batch.errors == []
    assert batch.total_rows == 7 and len(batch.rows) == 7
    assert batch.summary == {"new": 7, "unchanged": 0, "changed": 0, "organizations": 3}
    assert not _ours(sample_orgs).exists()  # nothing written before confirmation

    summary = services.apply_import(municipal_official, batch)
    assert summary == {"created": 7, "updated": 0, "unchanged": 0, "responses": 2}
    reviews = _ours(sample_orgs)
    assert reviews.filter(organization=sample_orgs["a"]).count() == 3
    assert reviews.filter(organization=sample_orgs["b"]).count() == 2
    assert reviews.filter(organization=sample_orgs["c"]).count() == 2  # matched by ИНН: no bus.gov.ru id
    food = reviews.get(external_id="9100002")
    assert food.rating == 1  # «неудовлетворительно»
    assert food.criterion_ratings == {"K1": 2, "K2": 1, "K3": 1, "K4": 2, "K5": 1}
    assert food.is_negative and "food" in food.topics and "K2" in food.criteria
    assert food.response.text.startswith("Благодарим") and food.response.responded_on == datetime.date(2026, 2, 10)
    assert reviews.get(external_id="9100003").rating == 4
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    entry = AuditEntry.objects.filter(action="busgov.reviews.imported").latest("pk")
    assert entry.data["created"] == 7 and entry.data["skipped_rows"] == 0


def test_reimport_is_idempotent_and_picks_up_changes(municipal_official, sample_orgs):
    data = read_fixture("reviews-2026.csv")
    services.apply_import(
        municipal_official, services.prepare_import(municipal_official, ImportKind.REVIEWS, data, "r.csv")
    )
    again = services.prepare_import(municipal_official, ImportKind.REVIEWS, data, "r.csv")
    assert again.summary["new"] == 0 and again.summary["unchanged"] == 7
    assert services.apply_import(municipal_official, again) == {
        "created": 0,
        "updated": 0,
        "unchanged": 7,
        "responses": 0,
    }
    assert _ours(sample_orgs).count() == 7
    assert ReviewResponse.objects.filter(review__organization__in=sample_orgs.values()).count() == 2

    changed = data.decode("utf-8-sig").replace("В целом нормально.", "В целом нормально, но холодно в классах.")
    batch = services.prepare_import(municipal_official, ImportKind.REVIEWS, changed.encode("utf-8"), "r2.csv")
    assert batch.summary["changed"] == 1
    assert services.apply_import(municipal_official, batch)["updated"] == 1
    review = _ours(sample_orgs).get(external_id="9100007")
    assert "холодно" in review.text and "comfort" in review.topics
    assert _ours(sample_orgs).count() == 7


def test_bad_rows_are_named_and_nothing_is_written_without_consent(municipal_official, sample_orgs):
    batch = services.prepare_import(
        municipal_official, ImportKind.REVIEWS, read_fixture("reviews-2026-bad.csv"), "bad.csv"
    )
    by_row = {}
    for error in batch.errors:
        by_row.setdefault(error["row"], []).append(error)
    assert sorted(by_row) == [3, 4, 5, 6, 7, 9]
    assert by_row[3][0]["column"] == "C «ИНН»" and by_row[3][0]["value"] == "2799999990"
    assert "не найдена в реестре" in by_row[3][0]["message"]
    assert by_row[4][0]["column"] == "E «Дата отзыва»" and by_row[4][0]["value"] == "31.02.2026"
    assert by_row[5][0]["column"] == "G «Общая оценка»" and "1–5" in by_row[5][0]["message"]
    assert "ни идентификатор bus.gov.ru, ни ИНН" in by_row[6][0]["message"]
    assert "не совпадает" in by_row[7][0]["message"] and by_row[7][0]["value"] == "2700000024"
    assert "повтор отзыва из строки 2" in by_row[9][0]["message"]
    assert [r["row"] for r in batch.rows] == [2, 8, 10]

    with pytest.raises(ValidationError):
        services.apply_import(municipal_official, batch)
    assert not _ours(sample_orgs).exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PENDING

    summary = services.apply_import(municipal_official, batch, skip_bad_rows=True)
    assert summary["created"] == 3
    assert sorted(_ours(sample_orgs).values_list("external_id", flat=True)) == ["9200001", "9200007", "9200008"]
    batch.refresh_from_db()
    assert batch.skipped_bad_rows


def test_rows_outside_the_officials_scope_are_errors(municipal_official, sample_orgs):
    other = sample_orgs["other"]
    text = (
        "ИНН;Дата отзыва;Общая оценка;Текст отзыва\n"
        f"{sample_orgs['a'].inn};01.04.2026;5;Хорошо\n"
        f"{other.inn};01.04.2026;5;Чужая школа\n"
    )
    batch = services.prepare_import(municipal_official, ImportKind.REVIEWS, text.encode("utf-8"), "scope.csv")
    assert len(batch.errors) == 1 and batch.errors[0]["row"] == 3
    assert "не входит в вашу зону ответственности" in batch.errors[0]["message"]
    assert len(batch.rows) == 1


def test_missing_columns_and_unreadable_files(municipal_official, sample_orgs):
    batch = services.prepare_import(
        municipal_official, ImportKind.REVIEWS, "Автор;Текст отзыва\nА;Б\n".encode(), "cols.csv"
    )
    messages = " ".join(e["message"] for e in batch.errors)
    assert "нет столбца «Дата отзыва»" in messages
    assert "Идентификатор учреждения" in messages and batch.rows == []
    with pytest.raises(TableError):
        services.prepare_import(municipal_official, ImportKind.REVIEWS, b"PK\x03\x04broken", "broken.xlsx")


def test_xlsx_export_with_real_dates(municipal_official, sample_orgs):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Идентификатор учреждения", "Дата публикации", "Оценка", "Отзыв"])
    sheet.append(
        ["770002", datetime.datetime(2026, 6, 1, 14, 30), "отлично", "Прекрасный детский сад, вкусное питание"]
    )
    sheet.append(["770002", datetime.date(2026, 6, 2), 2, "Нет охраны на входе"])
    out = io.BytesIO()
    book.save(out)
    batch = services.prepare_import(municipal_official, ImportKind.REVIEWS, out.getvalue(), "otzyvy.xlsx")
    assert batch.errors == []
    services.apply_import(municipal_official, batch)
    reviews = {r.rating: r for r in _ours(sample_orgs)}
    assert reviews[5].posted_on == datetime.date(2026, 6, 1) and "food" in reviews[5].topics
    assert reviews[2].is_negative and "safety" in reviews[2].topics
    # without a review number the key is the content: the same file again adds nothing
    again = services.prepare_import(municipal_official, ImportKind.REVIEWS, out.getvalue(), "otzyvy.xlsx")
    assert again.summary["unchanged"] == 2
