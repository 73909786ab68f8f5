"""Letters to municipal authorities (the regional centre's notices), as text and as DOCX.

The wording follows the letters in the sources: a check of bus.gov.ru on a date found no reviews of the
current year for the listed organizations, the authority is asked to run an information campaign, and the
service will be checked again on a given date (2023 Дагестан letter).
"""

from __future__ import annotations

import datetime
import io

from busgov.choices import NoticeKind
from lib.text import ru_plural

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


def long_date(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year} года"


def notice_text(kind: str, territory, year: int, as_of: datetime.date, recheck_on, organizations: list[dict]) -> str:
    count = len(organizations)
    orgs_word = ru_plural(count, "организации", "организаций", "организаций")
    if kind == NoticeKind.NO_REVIEWS:
        body = (
            f"По данным официального сайта для размещения информации о государственных (муниципальных) учреждениях "
            f"bus.gov.ru по состоянию на {long_date(as_of)} в разделе о независимой оценке качества условий "
            f"осуществления образовательной деятельности отсутствуют отзывы граждан за {year} год о качестве услуг "
            f"{count} {orgs_word} {territory.name} (перечень прилагается).\n\n"
            f"Просим обеспечить проведение информационной кампании среди родителей (законных представителей), "
            f"обучающихся и общественности о возможности оставить отзыв о качестве условий осуществления "
            f"образовательной деятельности на сайте bus.gov.ru (в том числе с использованием QR-кода организации)."
        )
    elif kind == NoticeKind.UNANSWERED:
        body = (
            f"По состоянию на {long_date(as_of)} на сайте bus.gov.ru остаются без ответа отрицательные отзывы граждан "
            f"за {year} год о {count} {orgs_word} {territory.name} (перечень прилагается). Просим обеспечить "
            f"рассмотрение отзывов и размещение ответов организаций, а также информирование граждан о принятых мерах."
        )
    elif kind == NoticeKind.NO_OFFICIALS:
        body = (
            f"По состоянию на {long_date(as_of)} в {count} {orgs_word} {territory.name} не назначены должностные лица, "
            f"ответственные за размещение информации о результатах независимой оценки качества на сайте bus.gov.ru, "
            f"за достоверность, полноту и своевременность её размещения, за мониторинг посещений и отзывов граждан, "
            f"за организацию работы по устранению недостатков и информирование граждан о принятых мерах "
            f"(перечень прилагается). Просим назначить ответственных и представить сведения."
        )
    else:
        body = (
            f"По состоянию на {long_date(as_of)} истёк срок размещения на сайте bus.gov.ru информации о результатах "
            f"независимой оценки качества или планов по устранению недостатков для {count} {orgs_word} "
            f"{territory.name} (перечень прилагается). Просим обеспечить размещение."
        )
    if recheck_on:
        body += (
            f"\n\nДанные сайта bus.gov.ru будут повторно проанализированы {long_date(recheck_on)} "
            f"на предмет наличия информации по каждой организации."
        )
    return body


def notice_docx(notice) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    territory = notice.territory
    region = territory.region
    sender = document.add_paragraph(region.authority_name or region.name)
    sender.runs[0].bold = True
    document.add_paragraph(f"от {notice.sent_on or notice.as_of:%d.%m.%Y} № {notice.number or '_____'}")
    addressee = document.add_paragraph(f"Руководителю\n{territory.authority_name or territory.name}")
    addressee.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = document.add_paragraph(str(NoticeKind(notice.kind).label).capitalize())
    title.runs[0].bold = True
    for part in notice.text.split("\n\n"):
        paragraph = document.add_paragraph(part)
        paragraph.paragraph_format.first_line_indent = Pt(28)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    document.add_paragraph("Приложение: перечень организаций.")
    document.add_paragraph("\nРуководитель\t\t\t\t\t\t______________")
    document.add_page_break()
    document.add_paragraph(
        f"Приложение к письму от {notice.sent_on or notice.as_of:%d.%m.%Y}"
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["№", "Организация", "ИНН"], strict=True):
        cell.text = text
    for index, org in enumerate(notice.organizations, start=1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(index), org["name"], org["inn"]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
