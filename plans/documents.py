"""The plan as documents: DOCX in the form of ПП РФ № 457 and XLSX with the same columns.

The DOCX has the «УТВЕРЖДАЮ» block, the title, a table with columns 1–4 and column 5 «Сведения о ходе
реализации мероприятия» split into 5a/5b, the numbering row and one header row per section I–V. The same
form is the report on the course of implementation: columns 5 carry the progress entered so far.
An exception produces the official explanation for «Иная информация» instead of the table.
"""

from __future__ import annotations

import io

from plans.choices import ExceptionReason, ItemStatus
from plans.models import Plan, local_today
from plans.services import exception_letter_text, sections

TITLE = "ПЛАН"
REPORT_TITLE = "СВЕДЕНИЯ О ХОДЕ РЕАЛИЗАЦИИ"
SUBTITLE = "по устранению недостатков, выявленных в ходе независимой оценки качества условий оказания услуг"
COLUMNS = [
    "Недостатки, выявленные в ходе независимой оценки качества условий оказания услуг организацией",
    "Наименование мероприятия по устранению недостатков, выявленных в ходе независимой оценки качества "
    "условий оказания услуг организацией",
    "Плановый срок реализации мероприятия",
    "Ответственный исполнитель (с указанием фамилии, имени, отчества и должности)",
]
PROGRESS = "Сведения о ходе реализации мероприятия"
PROGRESS_COLUMNS = ["реализованные меры по устранению выявленных недостатков", "фактический срок реализации"]
FOOTNOTE = "Графа 5 заполняется при представлении сведений о ходе реализации мероприятий."


def filename(plan: Plan, ext: str, *, report: bool = False) -> str:
    org = plan.cycle_organization.organization
    return f"{'plan-report' if report else 'plan'}-{plan.year}-{org.inn or org.pk}.{ext}"


def _date(value) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def _actual(item) -> tuple[str, str]:
    if item.status == ItemStatus.PLANNED and not item.actual_measures:
        return "", ""
    measures = item.actual_measures
    if item.status != ItemStatus.DONE:
        label = str(ItemStatus(item.status).label)
        measures = f"{measures} ({label})" if measures else label
    return measures, _date(item.actual_date)


def plan_docx(plan: Plan, *, report: bool = False) -> bytes:
    """The plan in the ПП 457 form; with REPORT the same form titled as the report on implementation."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    org = plan.cycle_organization.organization
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))

    def right(text: str, bold: bool = False) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(text).bold = bold

    def centered(text: str, bold: bool = True) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(text).bold = bold

    right("УТВЕРЖДАЮ", bold=True)
    right(plan.approver_position or "(должность руководителя органа-учредителя)")
    signer = plan.approver_name or "(фамилия, инициалы)"
    right(f"____________________ {signer}")
    right(
        f"«{plan.approved_on:%d}» {_month(plan.approved_on)} {plan.approved_on:%Y} г."
        if plan.approved_on
        else "«____» ______________ 20___ г."
    )
    document.add_paragraph()

    if plan.is_exception:
        centered("ПОЯСНЕНИЕ")
        centered(f"об отсутствии плана по устранению недостатков ({org.full_name})", bold=False)
        document.add_paragraph()
        document.add_paragraph(f"Причина: {ExceptionReason(plan.exception_reason).label}.")
        document.add_paragraph(plan.exception_note)
        document.add_paragraph("Размещается на сайте bus.gov.ru в разделе «Иная информация».")
        document.add_paragraph()
        document.add_paragraph(exception_letter_text(plan))
        return _save(document)

    if report:
        centered(REPORT_TITLE)
        centered(f"{TITLE.lower()}а {SUBTITLE}", bold=False)
    else:
        centered(TITLE)
        centered(SUBTITLE, bold=False)
    centered(org.full_name, bold=False)
    centered(f"на {plan.year} год", bold=False)
    if report:
        centered(f"по состоянию на {_date(local_today(plan.timezone_name))}", bold=False)
    document.add_paragraph()

    table = document.add_table(rows=3, cols=6)
    table.style = "Table Grid"
    head, sub, numbers = table.rows[0].cells, table.rows[1].cells, table.rows[2].cells
    for index, title in enumerate(COLUMNS):
        merged = head[index].merge(sub[index])
        merged.text = title
    progress = head[4].merge(head[5])
    progress.text = f"{PROGRESS} *"
    sub[4].text, sub[5].text = PROGRESS_COLUMNS
    for index, label in enumerate(["1", "2", "3", "4", "5", "6"]):
        numbers[index].text = label
    for row in table.rows[:3]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for group in sections(plan):
        row = table.add_row().cells
        merged = row[0].merge(row[5])
        merged.text = ""
        merged.paragraphs[0].add_run(f"{group['numeral']}. {group['title']}").bold = True
        merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if not group["items"]:
            cells = table.add_row().cells
            empty = cells[0].merge(cells[5])
            empty.text = "Недостатки не выявлены"
            continue
        for item in group["items"]:
            cells = table.add_row().cells
            actual, actual_date = _actual(item)
            values = [
                item.shortcoming_text,
                item.measure,
                _date(item.deadline),
                item.responsible,
                actual,
                actual_date,
            ]
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
    widths = [Cm(6.2), Cm(6.2), Cm(2.6), Cm(4.2), Cm(5.0), Cm(2.5)]
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width
    note = document.add_paragraph()
    note.add_run(f"* {FOOTNOTE}").italic = True
    return _save(document)


MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]


def _month(value) -> str:
    return MONTHS[value.month - 1]


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


XLSX_HEADERS = [
    "Раздел",
    "Показатель",
    *COLUMNS,
    "Ожидаемый результат",
    "Состояние",
    PROGRESS_COLUMNS[0].capitalize(),
    PROGRESS_COLUMNS[1].capitalize(),
    "Выявлен повторно",
    "Подтверждений",
]


def plan_xlsx(plan: Plan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    org = plan.cycle_organization.organization
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "План"
    sheet.append([f"{TITLE} {SUBTITLE}"])
    sheet.append([f"{org.full_name} на {plan.year} год"])
    status = "утверждён " + _date(plan.approved_on) if plan.approved_on else str(plan.get_status_display())
    sheet.append([f"Статус: {status}"])
    sheet.append([])
    sheet.append(XLSX_HEADERS)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if plan.is_exception:
        sheet.append([f"План не составляется: {ExceptionReason(plan.exception_reason).label}. {plan.exception_note}"])
    else:
        items = plan.items.prefetch_related("evidence")
        for group in sections(plan, list(items)):
            sheet.append([f"{group['numeral']}. {group['title']}"])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            for item in group["items"]:
                sheet.append(
                    [
                        group["numeral"],
                        item.indicator_code,
                        item.shortcoming_text,
                        item.measure,
                        item.deadline,
                        item.responsible,
                        item.planned_result,
                        str(ItemStatus(item.status).label),
                        item.actual_measures,
                        item.actual_date,
                        "да" if item.repeated else "",
                        len(item.evidence.all()),
                    ]
                )
                for column in (5, 10):
                    sheet.cell(row=sheet.max_row, column=column).number_format = "DD.MM.YYYY"
    for letter, width in zip("ABCDEFGHIJKL", [8, 10, 50, 50, 14, 34, 30, 14, 40, 14, 10, 10], strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ORGANIZATION_HEADERS = [
    "Муниципальное образование",
    "Организация",
    "ИНН",
    "Статус плана",
    "Исключение",
    "Размещён",
    "Мероприятий",
    "Выполнено",
    "Просрочено",
    "Доля выполненных, %",
]


def organizations_xlsx(rows: list[dict], year: int) -> bytes:
    """Fulfilment per organization (plans.services.organization_rows) as a workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Планы {year}"
    sheet.append([f"Исполнение планов по устранению недостатков (оценка {year} года)"])
    sheet.append(ORGANIZATION_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        plan = row["plan"]
        sheet.append(
            [
                row["territory"].name,
                row["organization"].full_name,
                row["organization"].inn,
                str(plan.get_status_display()),
                str(plan.get_exception_reason_display()) if plan.is_exception else "",
                "да" if plan.published else "",
                row["items"],
                row["done"],
                row["overdue"],
                row["share_done"],
            ]
        )
    for letter, width in zip("ABCDEFGHIJ", [30, 60, 14, 18, 30, 10, 12, 12, 12, 12], strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
