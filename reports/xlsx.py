"""Every table of the report as an XLSX workbook: numbers stay numbers, with a cell format.

Values are written rounded to the publication precision (as printed in the report) with the format
``0.00``, which Excel shows with the decimal comma in a Russian locale. Empty cells stand for values that are
not computable. The same data and ``generated_at`` give the same bytes.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import xlsxwriter

from lib.scoring_math import quantize
from reports.data import RATING_CODES, ReportData
from reports.documents import normalize_zip
from scoring.choices import ResultStatus
from scoring.models import CRITERION_CODES, display_code

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Book:
    def __init__(self, generated_at: datetime.datetime, title: str, places: int) -> None:
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True, "strings_to_numbers": False})
        moment = generated_at.astimezone(datetime.UTC).replace(tzinfo=None, microsecond=0)
        self.book.set_properties({"title": title[:250], "author": "НОКО", "created": moment})
        self.places = places
        self.header = self.book.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1, "text_wrap": True})
        self.text = self.book.add_format({"border": 1, "text_wrap": False})
        self.number = self.book.add_format({"border": 1, "num_format": "0." + "0" * places if places else "0"})
        self.integer = self.book.add_format({"border": 1, "num_format": "0"})
        self.percent = self.book.add_format({"border": 1, "num_format": "0.0"})
        self.caption = self.book.add_format({"bold": True, "font_size": 12})

    def sheet(self, name: str, caption: str, headers: list[str], widths: list[int]):
        ws = self.book.add_worksheet(name[:31])
        ws.write(0, 0, caption, self.caption)
        for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
            ws.write(2, col, header, self.header)
            ws.set_column(col, col, width)
        ws.freeze_panes(3, 2 if len(headers) > 2 else 1)
        return ws

    def value(self, ws, row: int, col: int, value, fmt=None) -> None:
        if value is None:
            ws.write_blank(row, col, None, fmt or self.number)
        elif isinstance(value, Decimal):
            ws.write_number(row, col, float(quantize(value, self.places)), fmt or self.number)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, fmt or self.integer)
        else:
            ws.write_string(row, col, str(value), fmt or self.text)

    def close(self) -> bytes:
        self.book.close()
        return normalize_zip(self.buffer.getvalue())


def report_workbook(data: ReportData) -> bytes:
    b = _Book(data.generated_at, f"Результаты независимой оценки: {data.scope.title}", data.publish_decimals)
    crit = [display_code(c) for c in CRITERION_CODES]
    caption = f"{data.scope.title}" + (" — предварительные результаты" if data.preliminary else "")

    ws = b.sheet(
        "Итоги",
        f"Результаты по организациям: {caption}",
        ["№", "Организация", "ИНН", "Тип", "Муниципалитет", *crit, "Итог", "Место", "Из", "Статус"],
        [5, 50, 13, 7, 28, 8, 8, 8, 8, 8, 8, 7, 6, 16],
    )
    for i, row in enumerate(data.rows, start=1):
        r = i + 2
        for col, value in enumerate([i, row.name, row.inn, row.type_label, row.territory_name]):
            b.value(ws, r, col, value)
        for col, code in enumerate(RATING_CODES, start=5):
            b.value(ws, r, col, row.values.get(code))
        b.value(ws, r, 11, row.place)
        b.value(ws, r, 12, row.group_size)
        b.value(ws, r, 13, "итоговый" if row.status == ResultStatus.FINAL else "предварительный")
    ws.autofilter(2, 0, 2 + len(data.rows), 13)

    ws = b.sheet(
        "Показатели",
        f"Значения показателей по организациям: {caption}",
        ["№", "Организация", *data.indicator_codes, *[f"n {c}" for c in data.indicator_codes]],
        [5, 50, *[7] * len(data.indicator_codes), *[6] * len(data.indicator_codes)],
    )
    count = len(data.indicator_codes)
    for i, row in enumerate(data.rows, start=1):
        r = i + 2
        b.value(ws, r, 0, i)
        b.value(ws, r, 1, row.name)
        for col, code in enumerate(data.indicator_codes, start=2):
            b.value(ws, r, col, row.values.get(code))
            b.value(ws, r, col + count, row.n.get(code))

    for name, caption_text, groups, first in (
        ("По муниципалитетам", "Средние значения по муниципальным образованиям", data.by_territory, "Муниципалитет"),
        ("По типам", "Средние значения по типам организаций", data.by_type, "Тип"),
    ):
        ws = b.sheet(name, f"{caption_text}: {caption}", [first, "N", *crit, "Итог"], [40, 6, 8, 8, 8, 8, 8, 8])
        for r, group in enumerate(groups, start=3):
            b.value(ws, r, 0, str(group["label"]))
            b.value(ws, r, 1, group["n"])
            for col, code in enumerate(RATING_CODES, start=2):
                b.value(ws, r, col, group["values"].get(code, {}).get("mean"))

    ws = b.sheet(
        "Лидеры и наихудшие",
        f"Лидеры и организации с наихудшими показателями ({data.rule.description})",
        ["Список", "Группа", "Место", "Из", "Организация", "Муниципалитет", "Руководитель", "Итог", "Решения"],
        [22, 40, 7, 6, 50, 28, 30, 8, 50],
    )
    r = 3
    for block in data.lists:
        for kind, items in (("лидер", block.leaders), ("наихудшие показатели", block.worst)):
            for item in items:
                for col, value in enumerate(
                    [
                        kind,
                        block.title,
                        item.position,
                        item.group_size,
                        item.row.name,
                        item.row.territory_name,
                        item.row.head_name,
                    ]
                ):
                    b.value(ws, r, col, value)
                b.value(ws, r, 7, item.value)
                b.value(ws, r, 8, "; ".join(str(a.get_kind_display()) for a in item.actions))
                r += 1

    ws = b.sheet(
        "Недостатки",
        f"Недостатки и предложения по организациям: {caption}",
        [
            "Организация",
            "Муниципалитет",
            "Критерий",
            "Показатель",
            "Недостаток",
            "Значимость",
            "Основание",
            "Предложение",
        ],
        [45, 25, 9, 10, 70, 11, 40, 60],
    )
    r = 3
    severity = {"high": "высокая", "medium": "средняя", "low": "низкая"}
    for row in data.rows:
        for s in row.shortcomings:
            values = [
                row.name,
                row.territory_name,
                display_code(s["criterion"]),
                s["indicator"],
                s["text"],
                severity.get(s["severity"], s["severity"]),
                s["legal_basis"],
                s["proposal"],
            ]
            for col, value in enumerate(values):
                b.value(ws, r, col, value)
            r += 1

    ws = b.sheet(
        "Частые недостатки",
        "Наиболее распространённые недостатки",
        ["Критерий", "Показатель", "Недостаток", "Организаций", "Доля, %"],
        [9, 10, 80, 12, 10],
    )
    for r, s in enumerate(data.shortcoming_summary, start=3):
        for col, value in enumerate([display_code(s.criterion_code), s.indicator_code, s.text, s.organizations]):
            b.value(ws, r, col, value)
        b.value(ws, r, 4, float(quantize(s.share, 1)) if s.share is not None else None, b.percent)

    ws = b.sheet(
        "Выборка",
        "Выборка и охват анкетирования",
        ["№", "Организация", "Контингент", "Расчётная выборка", "Получено анкет", "Охват, %"],
        [5, 50, 11, 11, 11, 9],
    )
    for i, row in enumerate(data.rows, start=1):
        r = i + 2
        for col, value in enumerate([i, row.name, row.contingent, row.target, row.respondents]):
            b.value(ws, r, col, value)
        rate = row.response_rate
        b.value(ws, r, 5, float(quantize(rate, 1)) if rate is not None else None, b.percent)

    if data.plans.available:
        ws = b.sheet(
            "Планы",
            "Планы по устранению недостатков",
            ["№", "Организация", "Итог", "Статус плана", "Исключение", "Мероприятий", "Выполнено", "Просрочено"],
            [5, 50, 8, 22, 35, 11, 10, 11],
        )
        for i, row in enumerate(data.rows, start=1):
            r = i + 2
            plan = row.plan
            b.value(ws, r, 0, i)
            b.value(ws, r, 1, row.name)
            b.value(ws, r, 2, row.total)
            b.value(ws, r, 3, plan.status_label if plan else "нет плана")
            b.value(ws, r, 4, plan.exception_label if plan else "")
            b.value(ws, r, 5, plan.items if plan else None)
            b.value(ws, r, 6, plan.done if plan else None)
            b.value(ws, r, 7, plan.overdue if plan else None)
    return b.close()
