"""Exports: raw answers (XLSX, CSV) and the counts scoring uses (XLSX).

The raw-answer layout starts with the import columns, so an exported sheet of paper
questionnaires can be corrected and loaded into another system with the same template.
"""

from __future__ import annotations

import csv
import io
import zoneinfo
from collections.abc import Iterator

from django.conf import settings

from lib.score_inputs import SURVEY_ITEM_CODES, SURVEY_RESPONDENTS, survey_answered, survey_yes
from surveys import score_inputs
from surveys.importer import COL_CODE, COL_INN, COL_MODE, COL_NUMBER, header_for
from surveys.models import Campaign, Mode, Response
from surveys.questionnaire import Form
from surveys.services import FLAG_LABELS, form_for

STATUS_LABELS = {value: str(label) for value, label in Response.Status.choices}
MODE_LABELS = {Mode.ONLINE: "онлайн", Mode.PAPER: "бумага", Mode.PHONE: "телефон", Mode.INTERVIEW: "интервью"}
HEAD = (
    "№ анкеты",
    "Организация",
    COL_INN,
    COL_CODE,
    COL_MODE,
    COL_NUMBER,
    "Получена (местное время)",
    "Заполнялась, с",
    "Состояние",
    "Признаки подозрительности",
    "Основание решения",
)


def _rows(form: Form, responses) -> Iterator[list]:
    tz_cache: dict[str, zoneinfo.ZoneInfo] = {}
    fields = (
        "pk",
        "cycle_organization__organization__short_name",
        "cycle_organization__organization__inn",
        "cycle_organization__survey_link__code",
        "cycle_organization__organization__timezone",
        "cycle_organization__organization__territory__timezone",
        "mode",
        "paper_number",
        "submitted_at",
        "duration_seconds",
        "status",
        "flags",
        "review_reason",
        "answers",
    )
    for row in responses.order_by("pk").values_list(*fields).iterator(chunk_size=2000):
        (pk, name, inn, code, org_tz, territory_tz, mode, paper, submitted, duration, status, flags, reason) = row[:13]
        answers = row[13]
        tz_name = org_tz or territory_tz or settings.TIME_ZONE
        tz = tz_cache.setdefault(tz_name, zoneinfo.ZoneInfo(tz_name))
        head = [
            pk,
            name,
            inn,
            code or "",
            MODE_LABELS.get(mode, mode),
            paper,
            submitted.astimezone(tz).strftime("%d.%m.%Y %H:%M"),
            duration if duration is not None else "",
            STATUS_LABELS.get(status, status),
            "; ".join(FLAG_LABELS.get(f, f) for f in flags.split()),
            reason,
        ]
        yield head + [item.display(answers.get(item.code)) for item in form.items]


def headers(form: Form) -> list[str]:
    return [*HEAD, *(header_for(item) for item in form.items)]


def responses_for(campaign: Campaign, user):
    return Response.objects.visible_to(user).filter(cycle_organization__cycle=campaign.cycle)


def raw_csv(campaign: Campaign, responses) -> Iterator[str]:
    """CSV (UTF-8 with BOM, semicolons: opens in Excel with Cyrillic intact), streamed line by line."""
    form = form_for(campaign.questionnaire_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")
    writer.writerow(headers(form))
    yield buffer.getvalue()
    for row in _rows(form, responses):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def raw_xlsx(campaign: Campaign, responses, progress=None) -> bytes:
    import xlsxwriter

    form = form_for(campaign.questionnaire_id)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = workbook.add_worksheet("Анкеты")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#EEF2F7"})
    sheet.set_row(0, 60)
    for col, header in enumerate(headers(form)):
        sheet.write(0, col, header, bold)
    for index, row in enumerate(_rows(form, responses), start=1):
        sheet.write_row(index, 0, row)
        if progress is not None and index % 5000 == 0:
            progress(5000)
    workbook.close()
    return buffer.getvalue()


def counts_xlsx(campaign: Campaign, entries) -> bytes:
    """Per organization: Чобщ and, per item, «Да» and «ответили» — the numbers scoring receives."""
    import xlsxwriter

    counts = score_inputs.counts(campaign.cycle)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Показатели опроса")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#EEF2F7"})
    keys = [SURVEY_RESPONDENTS, *(k for c in SURVEY_ITEM_CODES for k in (survey_yes(c), survey_answered(c)))]
    header = ["Организация", "ИНН", *keys]
    sheet.set_row(0, 45)
    for col, name in enumerate(header):
        sheet.write(0, col, name, bold)
    sheet.set_column(0, 0, 45)
    for index, entry in enumerate(entries.select_related("organization").order_by("organization__short_name"), 1):
        found = counts.get(entry.pk, {})
        values = [found.get("n", 0)]
        for code in SURVEY_ITEM_CODES:
            values += [found.get(f"{code}.yes", 0), found.get(f"{code}.answered", 0)]
        sheet.write_row(index, 0, [str(entry.organization), entry.organization.inn, *values])
    workbook.close()
    return buffer.getvalue()
