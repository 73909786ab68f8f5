"""Checklist versions as spreadsheets: export a version's items, read a new version from the same shape."""

from __future__ import annotations

import io

from expertise.choices import Section
from expertise.models import Checklist
from lib.tables import TableError, read_table
from lib.text import clean_cell
from registry.choices import ORG_TYPE_ALIASES, OrgType

HEADERS = [
    "Код",
    "Раздел",
    "Показатель",
    "Формулировка",
    "Правовое основание",
    "Типы организаций",
    "Допускается «н/п»",
    "Что проверить",
]
SECTION_ALIASES = {s.value: s.value for s in Section} | {
    "стенды": Section.STAND,
    "стенд": Section.STAND,
    "1.1": Section.STAND,
    "комфортность": Section.COMFORT,
    "2.1": Section.COMFORT,
    "территория и помещения": Section.PREMISES,
    "3.1": Section.PREMISES,
    "доступность услуг": Section.SERVICE,
    "3.2": Section.SERVICE,
}


def export_xlsx(checklist: Checklist) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet("Пункты")
    for col, header in enumerate(HEADERS):
        sheet.write(0, col, header, head)
    sheet.set_column(0, 0, 30)
    sheet.set_column(3, 4, 60)
    for row, item in enumerate(checklist.items.all(), start=1):
        types = ", ".join(OrgType.short_label(t) for t in item.org_types)
        values = [
            item.code,
            item.section,
            item.indicator,
            item.label,
            item.legal_basis,
            types,
            "да" if item.allows_na else "нет",
            item.hint,
        ]
        for col, value in enumerate(values):
            sheet.write_string(row, col, str(value), wrap)
    book.close()
    return buffer.getvalue()


def read_definition(data: bytes, filename: str, *, code: str, title: str, note: str = "") -> tuple[dict, list[str]]:
    """A definition dict (as data/checklist_*.json) from a spreadsheet, and Russian errors naming rows."""
    errors: list[str] = []
    try:
        table = read_table(data, filename)
    except TableError as exc:
        return {}, [str(exc)]
    missing = [h for h in HEADERS[:4] if h not in table.headers]
    if missing:
        return {}, [f"Нет столбцов: {', '.join(missing)}"]
    items = []
    for number, record in table.records():
        section_text = clean_cell(record.get("Раздел")).lower()
        section = SECTION_ALIASES.get(section_text)
        if section is None:
            errors.append(
                f"строка {number}, столбец «Раздел» = «{section_text}»: допустимо stand, comfort, premises, service"
            )
            continue
        types = []
        for raw in clean_cell(record.get("Типы организаций")).replace(";", ",").split(","):
            raw = raw.strip().lower()
            if not raw or raw in ("все", "all"):
                continue
            if raw not in ORG_TYPE_ALIASES:
                errors.append(f"строка {number}, столбец «Типы организаций» = «{raw}»: неизвестный тип")
                continue
            types.append(str(ORG_TYPE_ALIASES[raw]))
        items.append(
            {
                "code": clean_cell(record.get("Код")),
                "section": str(section),
                "indicator": clean_cell(record.get("Показатель")),
                "label": clean_cell(record.get("Формулировка")),
                "legal_basis": clean_cell(record.get("Правовое основание")),
                "org_types": types,
                "allows_na": clean_cell(record.get("Допускается «н/п»")).lower() in ("да", "1", "yes", "+"),
                "hint": clean_cell(record.get("Что проверить")),
                "_row": number,
            }
        )
    from expertise.services import validate_definition

    definition = {"code": code, "title": title, "note": note, "items": items}
    for message in validate_definition(definition):
        errors.append(message)
    for item in items:
        item.pop("_row")
    return definition, errors
