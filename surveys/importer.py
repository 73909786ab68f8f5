"""Import of paper, telephone and interview questionnaires from XLSX/CSV: every row or none.

One row is one questionnaire. The organization is named by its link code (printed on the
poster and the paper form) or by its ИНН. Every error names the row, the column and the value;
a file with any error writes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import uuid
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import log_action
from cycles.models import CycleOrganization
from lib.tables import TableError, column_letter, read_table
from lib.text import clean_cell, normalize_search
from surveys import permissions
from surveys.models import AnswerImport, Campaign, Mode, Response
from surveys.questionnaire import KIND_CHOICE, KIND_YES_NO, NO, YES, Form, Item
from surveys.services import form_for

COL_CODE = "Код ссылки"
COL_INN = "ИНН организации"
COL_MODE = "Способ опроса"
COL_NUMBER = "Номер бланка"
COL_DATE = "Дата опроса"
META_COLUMNS = (COL_CODE, COL_INN, COL_MODE, COL_NUMBER, COL_DATE)
MAX_ROWS = 200_000
MAX_ERRORS = 200

YES_WORDS = {"да", "yes", "1", "+", "д", "y"}
NO_WORDS = {"нет", "no", "0", "-", "н", "n"}
MODE_WORDS = {
    "": Mode.PAPER,
    "бумага": Mode.PAPER,
    "бумажная анкета": Mode.PAPER,
    "анкета": Mode.PAPER,
    "анкетирование": Mode.PAPER,
    "paper": Mode.PAPER,
    "телефон": Mode.PHONE,
    "телефонный опрос": Mode.PHONE,
    "phone": Mode.PHONE,
    "интервью": Mode.INTERVIEW,
    "интервьюирование": Mode.INTERVIEW,
    "interview": Mode.INTERVIEW,
}


def header_for(item: Item) -> str:
    return item.short_label


def template_headers(form: Form) -> list[str]:
    return [*META_COLUMNS, *(header_for(item) for item in form.items)]


def template_xlsx(form: Form) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Анкеты")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#EEF2F7"})
    for col, header in enumerate(template_headers(form)):
        sheet.write(0, col, header, bold)
        sheet.set_column(col, col, 18)
    sheet.set_row(0, 60)
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet("Пояснения")
    notes.set_column(0, 0, 34)
    notes.set_column(1, 1, 110)
    rows = [
        (COL_CODE, "Код ссылки организации (с плаката или страницы организации) — или заполните ИНН"),
        (COL_INN, "ИНН организации, если код ссылки не указан"),
        (COL_MODE, "бумага / телефон / интервью (пусто — бумага)"),
        (COL_NUMBER, "Номер бланка: повторная загрузка бланка с тем же номером будет отклонена"),
        (COL_DATE, "Дата опроса ДД.ММ.ГГГГ (пусто — дата загрузки)"),
    ]
    for item in form.items:
        if item.kind == KIND_YES_NO:
            allowed = "Да / Нет / пусто (нет ответа)"
        elif item.kind == KIND_CHOICE:
            allowed = " / ".join(label for _code, label in item.choices)
        else:
            allowed = "текст" if item.kind == "text" else "целое число"
        gate = f"; заполняется, только если на вопрос {form.by_code[item.gate].number} ответ «Да»" if item.gate else ""
        rows.append((header_for(item), f"{item.text} — {allowed}{gate}"))
    for index, (name, text) in enumerate(rows):
        notes.write(index, 0, name)
        notes.write(index, 1, text)
    workbook.close()
    return buffer.getvalue()


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    created: int = 0
    batch: AnswerImport | None = None


def _match_columns(headers: list[str], form: Form) -> tuple[dict[str, int], list[str]]:
    """Map item codes and meta columns to column indexes; unknown columns are errors."""
    wanted: dict[str, str] = {}
    for item in form.items:
        wanted[normalize_search(header_for(item))] = item.code
        wanted[normalize_search(item.code)] = item.code
        wanted[normalize_search(item.text)] = item.code
    for name in META_COLUMNS:
        wanted[normalize_search(name)] = name
    found: dict[str, int] = {}
    errors: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        key = wanted.get(normalize_search(header))
        if key is None:
            for item in form.items:
                if item.number and normalize_search(header).startswith(f"{item.number}. "):
                    key = item.code
                    break
        if key is None:
            errors.append(f"Столбец {column_letter(index)} «{header}»: такого вопроса нет в анкете {form.code}")
        elif key in found:
            first = column_letter(found[key])
            errors.append(f"Столбец {column_letter(index)} «{header}»: вопрос уже есть в столбце {first}")
        else:
            found[key] = index
    if COL_CODE not in found and COL_INN not in found:
        errors.append(f"Нет столбца «{COL_CODE}» или «{COL_INN}»: не указано, к какой организации относится анкета")
    return found, errors


def _parse_value(item: Item, text: str) -> tuple[object, str]:
    if text == "":
        return None, ""
    word = normalize_search(text)
    if item.kind == KIND_YES_NO:
        if word in YES_WORDS:
            return YES, ""
        if word in NO_WORDS:
            return NO, ""
        return None, "ожидается «Да», «Нет» или пусто"
    if item.kind == KIND_CHOICE:
        for code, label in item.choices:
            label_norm = normalize_search(label)
            if word in (normalize_search(code), label_norm) or (len(word) >= 3 and label_norm.startswith(word)):
                return code, ""
        return None, "допустимо: " + " / ".join(label for _c, label in item.choices)
    return text, ""


def _parse_date(value: object) -> datetime.date | None:
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


def import_answers(user, campaign: Campaign, data: bytes, filename: str) -> ImportResult:
    """Validate the whole file; store every questionnaire in one transaction, or nothing."""
    if not permissions.can_enter(user, campaign.cycle):
        raise PermissionDenied("not allowed for this cycle")
    result = ImportResult()
    digest = hashlib.sha256(data).hexdigest()
    if AnswerImport.objects.filter(campaign=campaign, file_sha256=digest).exists():
        result.errors.append(f"Файл «{filename}» уже был загружен в этот опрос; повторная загрузка создала бы дубли")
        return result
    try:
        table = read_table(data, filename)
    except TableError as exc:
        result.errors.append(str(exc))
        return result
    if len(table.rows) > MAX_ROWS:
        result.errors.append(f"В файле {len(table.rows)} строк; за один раз можно загрузить не больше {MAX_ROWS}")
        return result
    if not table.rows:
        result.errors.append("В файле нет ни одной анкеты")
        return result
    form = form_for(campaign.questionnaire_id)
    columns, errors = _match_columns(table.headers, form)
    if errors:
        result.errors = errors
        return result

    entries = (
        CycleOrganization.objects.filter(cycle=campaign.cycle)
        .included()
        .select_related("organization", "organization__territory", "survey_link")
    )
    by_code = {e.survey_link.code: e for e in entries if hasattr(e, "survey_link")}
    by_inn = {e.organization.inn: e for e in entries}
    today = timezone.localdate()
    seen_ids: dict[uuid.UUID, int] = {}
    pending: list[tuple[int, Response]] = []

    def err(row: int, key: str, value: object, message: str) -> None:
        index = columns.get(key)
        where = f"столбец {column_letter(index)} «{table.headers[index]}»" if index is not None else f"«{key}»"
        result.errors.append(f"Строка {row}, {where}: значение «{clean_cell(value)[:60]}» — {message}")

    for number, cells in table.rows:
        if len(result.errors) >= MAX_ERRORS:
            result.errors.append(f"Показаны первые {MAX_ERRORS} ошибок; проверка остановлена")
            break

        def cell(key: str, cells=cells) -> object:
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        entry = None
        code, inn = clean_cell(cell(COL_CODE)).upper(), clean_cell(cell(COL_INN))
        if code:
            entry = by_code.get(code)
            if entry is None:
                err(number, COL_CODE, code, "нет такой ссылки среди организаций цикла")
                continue
        elif inn:
            entry = by_inn.get(inn)
            if entry is None:
                err(number, COL_INN, inn, "организации с таким ИНН нет в списке цикла")
                continue
        else:
            result.errors.append(f"Строка {number}: не указаны ни код ссылки, ни ИНН организации")
            continue
        mode = MODE_WORDS.get(normalize_search(clean_cell(cell(COL_MODE))))
        if mode is None:
            err(number, COL_MODE, cell(COL_MODE), "ожидается «бумага», «телефон» или «интервью»")
            continue
        survey_date = today
        if clean_cell(cell(COL_DATE)):
            try:
                survey_date = _parse_date(cell(COL_DATE))
            except ValueError:
                err(number, COL_DATE, cell(COL_DATE), "ожидается дата ДД.ММ.ГГГГ")
                continue
            if survey_date and (survey_date > today or survey_date.year < campaign.cycle.year - 1):
                err(number, COL_DATE, cell(COL_DATE), "дата вне срока опроса")
                continue
        raw: dict[str, object] = {}
        row_ok = True
        for item in form.items:
            text = clean_cell(cell(item.code))
            value, message = _parse_value(item, text)
            if message:
                err(number, item.code, text, message)
                row_ok = False
            elif value is not None:
                raw[item.code] = value
        if not row_ok:
            continue
        cleaned = form.clean(raw, require=False, lenient_skips=False)
        if not cleaned.ok:
            for item_code, message in cleaned.errors.items():
                err(number, item_code, cell(item_code), message)
            continue
        paper_number = clean_cell(cell(COL_NUMBER))[:40]
        if paper_number:
            client_id = uuid.uuid5(uuid.NAMESPACE_URL, f"noko:survey:{entry.pk}:{paper_number}")
            if client_id in seen_ids:
                err(number, COL_NUMBER, paper_number, f"бланк с этим номером уже есть в строке {seen_ids[client_id]}")
                continue
            seen_ids[client_id] = number
        else:
            client_id = uuid.uuid4()
        tz = zoneinfo.ZoneInfo(entry.organization.effective_timezone)
        yes, answered = Form.bits(cleaned.answers)
        pending.append(
            (
                number,
                Response(
                    client_id=client_id,
                    cycle_organization=entry,
                    questionnaire_id=campaign.questionnaire_id,
                    mode=mode,
                    respondent_group=str(cleaned.answers.get("respondent_group", "")),
                    answers=cleaned.answers,
                    yes_bits=yes,
                    answered_bits=answered,
                    submitted_at=datetime.datetime.combine(survey_date, datetime.time(12), tzinfo=tz),
                    paper_number=paper_number,
                    entered_by=user,
                ),
            )
        )
    numbered = {r.client_id: n for n, r in pending if r.paper_number}
    if numbered:
        for client_id in Response.objects.filter(client_id__in=list(numbered)).values_list("client_id", flat=True):
            result.errors.append(
                f"Строка {numbered[client_id]}, столбец «{COL_NUMBER}»: бланк с этим номером уже загружен ранее"
            )
    if result.errors:
        return result
    try:
        with transaction.atomic():
            batch = AnswerImport.objects.create(
                campaign=campaign, created_by=user, filename=filename[:255], file_sha256=digest, rows=len(pending)
            )
            responses = [r for _n, r in pending]
            for response in responses:
                response.answer_import = batch
            Response.objects.bulk_create(responses, batch_size=2000)
            log_action(
                user,
                "surveys.import.applied",
                batch,
                territory=campaign.cycle.territory,
                data={"filename": filename, "responses": len(responses), "sha256": digest},
            )
    except IntegrityError:
        result.errors.append("Файл загружается повторно или одновременно с другим пользователем; ничего не сохранено")
        return result
    result.created = len(pending)
    result.batch = batch
    return result
