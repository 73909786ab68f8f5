"""XLSX files: input templates for the operator, and exports of results and ratings."""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter

from lib import score_inputs as K
from registry.choices import OrgType
from scoring import importers
from scoring.models import CRITERION_CODES, TOTAL_CODE, display_code

KEY_LABELS = {
    K.SITE_ITEMS_REQUIRED: "Инорм-сайт: обязательных сведений на сайте",
    K.SITE_ITEMS_PRESENT: "Исайт: размещено на сайте",
    K.SITE_REMOTE_CHANNELS: "Сдист: работающих дистанционных способов",
    K.SITE_BVI: "Версия сайта для слабовидящих (1/0)",
    K.SITE_HAS_QUESTIONNAIRE: "Анкета НОКО или ссылка на сайте (1/0)",
    K.STAND_ITEMS_REQUIRED: "Инорм-стенд: обязательных материалов на стендах",
    K.STAND_ITEMS_PRESENT: "Истенд: размещено на стендах",
    K.COMFORT_CONDITIONS: "2.1: комфортных условий",
    K.ACCESS_PREMISES_CONDITIONS: "3.1: условий доступности территории и помещений",
    K.ACCESS_SERVICE_CONDITIONS: "3.2: условий доступности услуг (без версии сайта)",
    K.SURVEY_RESPONDENTS: "Чобщ: принято анкет",
}
MISSING_KEYS = (
    K.SITE_REMOTE_CHANNELS,
    K.COMFORT_CONDITIONS,
    K.ACCESS_PREMISES_CONDITIONS,
    K.ACCESS_SERVICE_CONDITIONS,
)


def key_label(key: str) -> str:
    if key in KEY_LABELS:
        return KEY_LABELS[key]
    if key.startswith("survey."):
        _s, code, what = key.split(".")
        number = next((n for n, c in importers.QUESTION_NUMBERS.items() if c == code), "?")
        return f"Вопрос {number}: {'«Да»' if what == 'yes' else 'ответили'}"
    return key


def _book():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {
        "head": book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4", "border": 1}),
        "num": book.add_format({"num_format": "0.00"}),
        "int": book.add_format({"num_format": "0"}),
        "text": book.add_format({"num_format": "@"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    return buffer, book, formats


def _entries(cycle):
    return list(
        cycle.entries.included()
        .select_related("organization")
        .order_by("organization__short_name")
        .values_list("organization_id", "organization__inn", "organization__short_name")
    )


def input_template(cycle, kind: str, methodology, items_by_group) -> bytes:
    """An XLSX the operator fills: the cycle's organizations with ИНН and id, columns for KIND."""
    buffer, book, f = _book()
    sheet = book.add_worksheet("Данные")
    entries = _entries(cycle)
    if kind == "answers":
        questions = importers.QUESTION_NUMBERS.items()
        headers = ["ИНН", "ID в реестре", "Наименование"]
        headers += [f"{number}. {importers.QUESTION_TEXTS[code]} [{code}]" for number, code in questions]
        rows = []
        note = (
            "Одна строка — одна анкета. Ответы: «Да» или «Нет»; пусто — нет ответа. "
            "Вопросы 2, 4, 8, 12 задаются только тем, кто ответил «Да» на вопросы 1, 3, 7, 11. "
            "Организация определяется по ИНН или ID, а не по порядку строк."
        )
    elif kind == "checklist":
        headers = ["ИНН", "ID в реестре", "Наименование"]
        for group, (label, _req, _key, _ind) in importers.CHECKLIST_GROUPS.items():
            for code, item in items_by_group[group].items():
                headers.append(f"{label}: {item['label']} [{group}:{code}]")
        rows = [[inn, org_id, name] for org_id, inn, name in entries]
        note = (
            "Одна строка — одна организация. Отметки: 1 — есть (работает), 0 — нет; для стендов и сайта пусто — "
            "не применяется к организации. Отсутствующие элементы попадут в перечень недостатков."
        )
    else:
        keys = list(K.ALL_KEYS)
        headers = ["ИНН", "ID в реестре", "Наименование"] + [f"{key_label(k)} [{k}]" for k in keys]
        headers += [f"{key_label(k)}: чего нет (коды через «;») [{k}.missing]" for k in MISSING_KEYS]
        rows = [[inn, org_id, name] for org_id, inn, name in entries]
        note = (
            "Одна строка — одна организация; значения — целые числа. Пустая ячейка — значение не загружается. "
            "Коды отсутствующих условий — на листе «Коды»."
        )
    sheet.set_row(0, 90)
    for col, header in enumerate(headers):
        sheet.write(0, col, header, f["head"])
        sheet.set_column(col, col, 14 if col > 2 else (30 if col == 2 else 14))
    for r, row in enumerate(rows, start=1):
        sheet.write_string(r, 0, row[0], f["text"])
        sheet.write_number(r, 1, row[1])
        sheet.write_string(r, 2, row[2])
    sheet.freeze_panes(1, 3)
    help_sheet = book.add_worksheet("Пояснения")
    help_sheet.set_column(0, 0, 100)
    help_sheet.write(0, 0, f"{cycle} — версия методики {methodology.code}", f["head"])
    help_sheet.write(1, 0, note, f["wrap"])
    if kind == "answers":
        orgs = book.add_worksheet("Организации")
        orgs.write_row(0, 0, ["ИНН", "ID в реестре", "Наименование"], f["head"])
        orgs.set_column(0, 1, 14)
        orgs.set_column(2, 2, 60)
        for r, (org_id, inn, name) in enumerate(entries, start=1):
            orgs.write_string(r, 0, inn, f["text"])
            orgs.write_number(r, 1, org_id)
            orgs.write_string(r, 2, name)
    if kind == "inputs":
        codes = book.add_worksheet("Коды")
        codes.write_row(0, 0, ["Ключ", "Код", "Условие"], f["head"])
        codes.set_column(0, 0, 28)
        codes.set_column(2, 2, 100)
        row = 1
        for group in ("remote", "comfort", "premises", "service"):
            key = importers.CHECKLIST_GROUPS[group][2]
            for code, item in items_by_group[group].items():
                target = K.SITE_BVI if code == importers.BVI_ITEM else key
                codes.write_row(row, 0, [target, code, item["label"]])
                row += 1
    book.close()
    return buffer.getvalue()


def _value(sheet, row, col, value, fmt):
    if value is None:
        sheet.write_blank(row, col, None)
    else:
        sheet.write_number(row, col, float(Decimal(value)), fmt)


def results_xlsx(cycle, table, indicator_rows: dict[int, dict[str, Decimal]], indicator_codes: list[str]) -> bytes:
    buffer, book, f = _book()
    sheet = book.add_worksheet("Результаты")
    headers = ["Место", "Организация", "Тип", "Муниципальное образование", "ИНН"]
    headers += [display_code(c) for c in CRITERION_CODES] + ["Итог"] + indicator_codes + ["Статус"]
    sheet.write_row(0, 0, headers, f["head"])
    sheet.set_column(1, 1, 45)
    sheet.set_column(3, 3, 28)
    for r, row in enumerate(table, start=1):
        org = row["organization"]
        if row["place"] is not None:
            sheet.write_number(r, 0, row["place"])
        sheet.write_string(r, 1, org.short_name or org.full_name)
        sheet.write_string(r, 2, OrgType.short_label(org.org_type))
        sheet.write_string(r, 3, org.territory.name)
        sheet.write_string(r, 4, org.inn, f["text"])
        col = 5
        for value in [*row["criteria"], row["total"]]:
            _value(sheet, r, col, value, f["num"])
            col += 1
        for code in indicator_codes:
            _value(sheet, r, col, indicator_rows.get(row["entry_id"], {}).get(code), f["num"])
            col += 1
        sheet.write_string(r, col, "итоговый" if row["status"] == "final" else "предварительный")
    sheet.freeze_panes(1, 2)
    book.close()
    return buffer.getvalue()


def rating_xlsx(title: str, ratings, leaders, worst) -> bytes:
    buffer, book, f = _book()
    for name, rows in (("Рейтинг", ratings), ("Лидеры", leaders), ("Худшие", worst)):
        sheet = book.add_worksheet(name)
        sheet.write(0, 0, title, f["head"])
        sheet.write_row(1, 0, ["Место", "Из", "Организация", "Тип", "Муниципальное образование", "Значение"], f["head"])
        sheet.set_column(2, 2, 45)
        sheet.set_column(4, 4, 28)
        for r, rating in enumerate(rows, start=2):
            org = rating.cycle_organization.organization
            sheet.write_number(r, 0, rating.position)
            sheet.write_number(r, 1, rating.group_size)
            sheet.write_string(r, 2, org.short_name or org.full_name)
            sheet.write_string(r, 3, OrgType.short_label(org.org_type))
            sheet.write_string(r, 4, org.territory.name)
            _value(sheet, r, 5, rating.value, f["num"])
    book.close()
    return buffer.getvalue()


__all__ = ["TOTAL_CODE", "input_template", "key_label", "rating_xlsx", "results_xlsx"]
