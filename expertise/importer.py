"""Checklist results from XLSX/CSV: one row per organization (or branch), one column per checklist item.

This is the shape operators already keep (methodology §3.1: «Инорм is the count of checklist columns»).
Every row is validated first; on any error nothing is written and each error names the row, the column
and the value. A valid file is applied in one transaction, one audit entry per checklist.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import log_action
from cycles.models import Cycle, CycleOrganization
from expertise import permissions
from expertise.choices import MARK_ALIASES, Mark, ResultStatus, Section, VisitMode
from expertise.models import ChecklistItem, ChecklistMark, ChecklistResult
from expertise.services import checklist_for_cycle, settings_for
from lib.tables import TableError, column_letter, read_table
from lib.text import clean_cell
from registry.choices import OrgType

INN = "ИНН"
NAME = "Организация"
BRANCH = "ИНН филиала"
MODE = "Способ"
VISITED = "Дата посещения"
NOTE = "Комментарий"
FIXED = [INN, NAME, BRANCH, MODE, VISITED, NOTE]
MODE_ALIASES = {
    "": VisitMode.VISIT,
    "выезд": VisitMode.VISIT,
    "посещение": VisitMode.VISIT,
    "очно": VisitMode.VISIT,
    "visit": VisitMode.VISIT,
    "дистанционно": VisitMode.REMOTE,
    "дистанционная": VisitMode.REMOTE,
    "заочно": VisitMode.REMOTE,
    "remote": VisitMode.REMOTE,
}
SEPARATOR = " — "


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"строка {self.row}" if self.row else "файл"
        if self.column:
            where += f", столбец {self.column}"
        shown = f" = «{self.value}»" if self.value else ""
        return f"{where}{shown}: {self.message}"


@dataclass
class ParsedRow:
    row: int
    cycle_organization: CycleOrganization
    building: object | None
    mode: str
    visited_on: datetime.date | None
    note: str
    marks: dict[int, str]  # item id → value


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    submitted: int = 0
    marks_changed: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _item_code(header: str) -> str:
    return header.split(SEPARATOR, 1)[0].strip()


def template_xlsx(cycle: Cycle, user) -> bytes:
    """A sheet prefilled with the cycle's organizations the user may fill, one column per item."""
    import xlsxwriter

    checklist = checklist_for_cycle(cycle)
    items = list(checklist.items.all())
    entries = (
        CycleOrganization.objects.visible_to(user)
        .included()
        .filter(cycle=cycle)
        .select_related("organization")
        .order_by("organization__short_name")
    )
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF7", "border": 1})
    grey = book.add_format({"bg_color": "#EEEEEE"})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet("Чек-лист")
    headers = [*FIXED, *(f"{item.code}{SEPARATOR}{item.label}" for item in items)]
    for col, header in enumerate(headers):
        sheet.write(0, col, header, head)
        sheet.set_column(col, col, 14 if col >= len(FIXED) else 22)
    sheet.set_row(0, 120)
    sheet.freeze_panes(1, 2)
    row = 1
    for entry in entries:
        org = entry.organization
        buildings = [None, *org.branches.all()]
        for building in buildings:
            sheet.write_string(row, 0, org.inn, text)
            sheet.write_string(row, 1, str(building or org))
            if building is not None:
                sheet.write_string(row, 2, building.inn, text)
            for col, item in enumerate(items, start=len(FIXED)):
                if not item.applies_to(org.org_type):
                    sheet.write_blank(row, col, None, grey)
            row += 1
    legend = book.add_worksheet("Пункты")
    for col, header in enumerate(
        ["Код", "Показатель", "Раздел", "Формулировка", "Правовое основание", "Типы", "«н/п»"]
    ):
        legend.write(0, col, header, head)
    for r, item in enumerate(items, start=1):
        types = ", ".join(OrgType.short_label(t) for t in item.org_types) or "все"
        values = [item.code, item.indicator, Section(item.section).label, item.label, item.legal_basis, types]
        for col, value in enumerate(values):
            legend.write_string(r, col, str(value))
        legend.write_string(r, 6, "да" if item.allows_na else "нет")
    notes = book.add_worksheet("Пояснения")
    for r, line in enumerate(
        [
            "Отметки: да / нет / не применимо (также 1 / 0 / н/п). Пустая ячейка — пункт не заполнен.",
            "Серые ячейки — пункт не применяется к типу организации.",
            "«ИНН филиала» заполняется для отдельного здания (филиала); пусто — основное здание.",
            "«Способ»: выезд или дистанционно. «Дата посещения»: ДД.ММ.ГГГГ.",
            f"Версия чек-листа: {checklist.code}.",
        ]
    ):
        notes.write(r, 0, line)
    book.close()
    return buffer.getvalue()


def _parse_date(value: object) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = clean_cell(value)
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse(cycle: Cycle, user, data: bytes, filename: str) -> ImportReport:
    """Validate the file against the cycle's checklist and list; writes nothing."""
    report = ImportReport()
    if not permissions.can_import(user, cycle):
        raise PermissionDenied
    try:
        table = read_table(data, filename)
    except TableError as exc:
        report.errors.append(RowError(0, "", "", str(exc)))
        return report
    checklist = checklist_for_cycle(cycle)
    items = {item.code: item for item in checklist.items.all()}
    columns: dict[int, ChecklistItem] = {}
    letters = {}
    for index, header in enumerate(table.headers):
        letters[header] = f"{column_letter(index)} «{header[:40]}»"
        if not header or header.rstrip(" *") in FIXED:
            continue
        code = _item_code(header)
        if code not in items:
            report.errors.append(
                RowError(
                    1,
                    letters[header],
                    header[:60],
                    f"столбец не распознан: нет пункта с кодом «{code}» в версии {checklist.code}",
                )
            )
            continue
        columns[index] = items[code]
    headers = [h.rstrip(" *") for h in table.headers]
    if INN not in headers:
        report.errors.append(RowError(1, "", "", f"нет обязательного столбца «{INN}»"))
    if report.errors:
        return report
    position = {h: i for i, h in enumerate(headers)}
    entries = {
        e.organization.inn: e
        for e in CycleOrganization.objects.filter(cycle=cycle)
        .select_related("organization", "organization__territory")
        .prefetch_related("expert_assignments")
    }
    reply_open = settings_for(cycle).reply_state() != "none"
    existing = {
        (r.cycle_organization_id, r.building_id): r
        for r in ChecklistResult.objects.filter(cycle_organization__cycle=cycle)
    }
    seen: dict[tuple[int, int | None], int] = {}

    def col(name: str) -> str:
        i = position.get(name)
        return letters[table.headers[i]] if i is not None else f"«{name}»"

    def cell(cells: list[object], name: str) -> object:
        i = position.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    for number, cells in table.rows:
        inn = clean_cell(cell(cells, INN))
        entry = entries.get(inn)
        if entry is None:
            report.errors.append(
                RowError(
                    number,
                    col(INN),
                    inn,
                    "организации с таким ИНН нет в списке цикла",
                )
            )
            continue
        if entry.status != CycleOrganization.Status.INCLUDED:
            report.errors.append(RowError(number, col(INN), inn, "организация исключена из списка цикла"))
            continue
        if not permissions.can_fill(user, entry):
            report.errors.append(
                RowError(number, col(INN), inn, "чек-лист этой организации заполняет назначенный эксперт")
            )
            continue
        building = None
        branch_inn = clean_cell(cell(cells, BRANCH))
        if branch_inn:
            building = entry.organization.branches.filter(inn=branch_inn).first()
            if building is None:
                report.errors.append(RowError(number, col(BRANCH), branch_inn, f"это не филиал «{entry.organization}»"))
                continue
        key = (entry.pk, getattr(building, "pk", None))
        if key in seen:
            report.errors.append(RowError(number, col(INN), inn, f"организация (здание) уже была в строке {seen[key]}"))
            continue
        seen[key] = number
        current = existing.get(key)
        if current is not None and current.status == ResultStatus.SUBMITTED and reply_open:
            report.errors.append(
                RowError(
                    number, col(INN), inn, "результаты уже доступны организации; изменения — только по возражениям"
                )
            )
            continue
        mode_text = clean_cell(cell(cells, MODE)).lower()
        mode = MODE_ALIASES.get(mode_text)
        if mode is None:
            report.errors.append(RowError(number, col(MODE), mode_text, "допустимо: выезд или дистанционно"))
            continue
        try:
            visited = _parse_date(cell(cells, VISITED))
        except ValueError as exc:
            report.errors.append(RowError(number, col(VISITED), str(exc), "дата в виде ДД.ММ.ГГГГ"))
            continue
        marks: dict[int, str] = {}
        org_type = entry.organization.org_type
        for index, item in columns.items():
            raw = clean_cell(cells[index] if index < len(cells) else None)
            if raw == "":
                continue
            value = MARK_ALIASES.get(raw.lower().replace("ё", "е"))
            column = letters[table.headers[index]]
            if value is None:
                report.errors.append(RowError(number, column, raw, "допустимо: да, нет, не применимо (1, 0, н/п)"))
                continue
            if not item.applies_to(org_type):
                report.warnings.append(
                    f"строка {number}, столбец {column}: пункт не применяется к типу "
                    f"{OrgType.short_label(org_type)}, отметка «{raw}» пропущена"
                )
                continue
            if value == Mark.NA and not item.allows_na:
                report.errors.append(RowError(number, column, raw, "для этого пункта «не применимо» не допускается"))
                continue
            marks[item.pk] = value
        report.rows.append(
            ParsedRow(
                row=number,
                cycle_organization=entry,
                building=building,
                mode=mode,
                visited_on=visited,
                note=clean_cell(cell(cells, NOTE)),
                marks=marks,
            )
        )
    if not report.rows and not report.errors:
        report.errors.append(RowError(0, "", "", "в файле нет строк с организациями"))
    return report


def apply(cycle: Cycle, user, report: ImportReport, *, submit: bool) -> ImportReport:
    """Write a valid report in one transaction. SUBMIT sends every checklist that is complete.

    Set-based: new checklists and their marks are bulk-inserted with their values, changed marks are
    updated with one UPDATE per value, so a region-wide file of thousands of rows takes seconds.
    """
    if not report.ok:
        raise ValidationError("Файл содержит ошибки; ничего не записано.")
    checklist = checklist_for_cycle(cycle)
    all_items = list(checklist.items.all())
    codes = {item.pk: item.code for item in all_items}
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (r.cycle_organization_id, r.building_id): r
            for r in ChecklistResult.objects.select_for_update().filter(cycle_organization__cycle=cycle)
        }
        current: dict[int, dict[int, tuple[int, str]]] = {}
        for pk, result_id, item_id, value in ChecklistMark.objects.filter(
            result__in=list(existing.values())
        ).values_list("pk", "result_id", "item_id", "value"):
            current.setdefault(result_id, {})[item_id] = (pk, value)

        fresh: list[tuple[ParsedRow, ChecklistResult]] = []
        for parsed in report.rows:
            if (parsed.cycle_organization.pk, getattr(parsed.building, "pk", None)) in existing:
                continue
            result = ChecklistResult(
                cycle_organization=parsed.cycle_organization,
                building=parsed.building,
                checklist=checklist,
                mode=parsed.mode,
                visited_on=parsed.visited_on,
                note=parsed.note,
                expert=user,
            )
            applicable = [i for i in all_items if i.applies_to(parsed.cycle_organization.organization.org_type)]
            if submit and all(i.pk in parsed.marks for i in applicable):
                result.status, result.submitted_at = ResultStatus.SUBMITTED, now
            fresh.append((parsed, result))
        ChecklistResult.objects.bulk_create([r for _p, r in fresh], batch_size=500)
        new_marks = []
        for parsed, result in fresh:
            org_type = parsed.cycle_organization.organization.org_type
            for item in all_items:
                if item.applies_to(org_type):
                    value = parsed.marks.get(item.pk, Mark.BLANK)
                    new_marks.append(ChecklistMark(result=result, item=item, value=value, updated_by=user))
        ChecklistMark.objects.bulk_create(new_marks, batch_size=2000)

        fresh_ids = {r.pk for _p, r in fresh}
        by_value: dict[str, list[int]] = {}
        for parsed, result in [*fresh] + [
            (p, existing[(p.cycle_organization.pk, getattr(p.building, "pk", None))])
            for p in report.rows
            if (p.cycle_organization.pk, getattr(p.building, "pk", None)) in existing
        ]:
            created = result.pk in fresh_ids
            marks = current.get(result.pk, {})
            before, after = {}, {}
            result_before = {"status": ResultStatus.DRAFT, "mode": result.mode}
            if created:
                after = {codes[i]: v for i, v in parsed.marks.items()}
                org_type = parsed.cycle_organization.organization.org_type
                blank = sum(1 for i in all_items if i.applies_to(org_type) and i.pk not in parsed.marks)
                report.created += 1
            else:
                for item_id, value in parsed.marks.items():
                    if item_id not in marks or marks[item_id][1] == value:
                        continue
                    before[codes[item_id]], after[codes[item_id]] = marks[item_id][1], value
                    by_value.setdefault(value, []).append(marks[item_id][0])
                final = {i: parsed.marks.get(i, v) for i, (_pk, v) in marks.items()}
                blank = sum(1 for v in final.values() if v == Mark.BLANK)
                result_before = {"status": result.status, "mode": result.mode}
                fields = {"mode": parsed.mode, "updated_at": now}
                if parsed.visited_on:
                    fields["visited_on"] = parsed.visited_on
                if parsed.note:
                    fields["note"] = parsed.note
                if submit and not blank and result.status == ResultStatus.DRAFT:
                    fields.update(status=ResultStatus.SUBMITTED, submitted_at=now)
                ChecklistResult.objects.filter(pk=result.pk).update(**fields)
                for name, value in fields.items():
                    setattr(result, name, value)
                report.updated += 1
            report.marks_changed += len(after)
            if result.status == ResultStatus.SUBMITTED and result_before["status"] == ResultStatus.DRAFT:
                report.submitted += 1
            log_action(
                user,
                "expertise.result.imported",
                result,
                organization=parsed.cycle_organization.organization,
                before=None if created else {"marks": before, **result_before},
                after={"marks": after, "status": result.status, "mode": result.mode},
                data={"row": parsed.row, "created": created},
            )
            if blank:
                report.warnings.append(
                    f"строка {parsed.row}: не заполнено пунктов — {blank}, чек-лист оставлен черновиком"
                )
        for value, pks in by_value.items():
            for start in range(0, len(pks), 900):
                ChecklistMark.objects.filter(pk__in=pks[start : start + 900]).update(
                    value=value, updated_by=user, updated_at=now
                )
    return report


def import_file(cycle: Cycle, user, data: bytes, filename: str, *, submit: bool = True) -> ImportReport:
    report = parse(cycle, user, data, filename)
    if report.ok:
        apply(cycle, user, report, submit=submit)
    return report
