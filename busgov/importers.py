"""Reading files a person downloads from bus.gov.ru (reviews, placement statuses) and the officials' register.

``parse_*`` read a file through ``lib.tables.read_table`` into plain JSON rows and a list of errors, each naming
the row, the column (letter and header) and the value, and never write anything. ``apply_*`` write the rows of
a confirmed ``ImportBatch`` (called by ``busgov.services.apply_import`` inside one transaction). The column
names are data: the ``fields`` map of the ``Layout`` lists the headers accepted for each field.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from accounts.scopes import scope_for
from busgov.choices import DUTY_ALIASES, Duty, InfoKind, PlacementSource, PlacementStatus, ReviewSource
from busgov.models import CitizenReview, Layout, ResponsibleOfficial, ReviewResponse
from lib.tables import Table, column_letter, read_table
from lib.text import clean_cell
from registry.models import Organization, Territory


@dataclass
class Parsed:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    preview: dict[str, Any] = field(default_factory=dict)

    def error(self, row: int, column: str, value: Any, message: str) -> None:
        self.errors.append({"row": row, "column": column, "value": clean_cell(value)[:200], "message": message})


def _norm(text: str) -> str:
    return " ".join(str(text or "").lower().replace("ё", "е").split())


def _map_columns(table: Table, fields: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """field → (header as in the file, column letter)."""
    index = {_norm(h): (h, column_letter(i)) for i, h in enumerate(table.headers) if h}
    found = {}
    for name, aliases in fields.items():
        for alias in aliases:
            if _norm(alias) in index:
                found[name] = index[_norm(alias)]
                break
    return found


def _check_columns(parsed: Parsed, definition: dict, columns: dict, fields: dict) -> bool:
    ok = True
    for name in definition.get("required", []):
        if name not in columns:
            parsed.error(
                definition.get("header_row", 1),
                "—",
                "",
                f"В файле нет столбца «{fields[name][0]}» (подходят заголовки: {', '.join(fields[name])})",
            )
            ok = False
    for group in definition.get("one_of", []):
        if not any(name in columns for name in group):
            names = " или ".join(f"«{fields[n][0]}»" for n in group)
            parsed.error(definition.get("header_row", 1), "—", "", f"В файле нет ни одного из столбцов {names}")
            ok = False
    return ok


def _col(columns: dict, name: str) -> str:
    header, letter = columns[name]
    return f"{letter} «{header}»"


_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y")


def parse_date(value: Any) -> datetime.date | None:
    """A date cell: a spreadsheet date, «20.03.2023», «2023-03-20», with or without time. None if blank."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = clean_cell(value)
    if not text:
        return None
    text = text.replace("T", " ").split("+")[0].strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"не дата: «{text}» (ожидается ДД.ММ.ГГГГ)")


def parse_rating(value: Any, words: dict[str, int]) -> int | None:
    """1–5 as a number («4», «4,0») or a word of the bus.gov.ru scale («хорошо»). None if blank."""
    text = _norm(clean_cell(value))
    if not text:
        return None
    if text in words:
        return int(words[text])
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(f"не оценка: «{clean_cell(value)}» (ожидается 1–5 или {', '.join(words)})") from exc
    if number != number.to_integral_value() or not 1 <= number <= 5:
        raise ValueError(f"оценка вне шкалы 1–5: «{clean_cell(value)}»")
    return int(number)


class OrganizationMatcher:
    """Find an organization by bus.gov.ru id or ИНН among those the user may load data for."""

    def __init__(self, user) -> None:
        orgs = list(Organization.objects.only("pk", "inn", "busgov_id", "short_name", "full_name", "territory_id"))
        self.by_inn = {o.inn: o for o in orgs}
        self.by_busgov: dict[str, list[Organization]] = {}
        for o in orgs:
            if o.busgov_id:
                self.by_busgov.setdefault(o.busgov_id.strip(), []).append(o)
        self.visible = set(
            scope_for(user).filter_organizations(Organization.objects.all()).values_list("pk", flat=True)
        )

    def match(self, parsed: Parsed, number: int, columns: dict, record: dict) -> Organization | None:
        busgov_id = clean_cell(record.get(columns["busgov_id"][0])) if "busgov_id" in columns else ""
        inn = clean_cell(record.get(columns["inn"][0])) if "inn" in columns else ""
        org = None
        if busgov_id:
            candidates = self.by_busgov.get(busgov_id, [])
            if len(candidates) > 1 and inn:
                candidates = [o for o in candidates if o.inn == inn]
            if len(candidates) > 1:
                parsed.error(
                    number,
                    _col(columns, "busgov_id"),
                    busgov_id,
                    "этот идентификатор bus.gov.ru указан в реестре у нескольких организаций — укажите ИНН",
                )
                return None
            org = candidates[0] if candidates else None
        if org is None and inn:
            org = self.by_inn.get(inn)
            if org is None:
                where = _col(columns, "inn")
                hint = f" (и идентификатор bus.gov.ru «{busgov_id}» тоже не найден)" if busgov_id else ""
                parsed.error(number, where, inn, f"организация с ИНН {inn} не найдена в реестре{hint}")
                return None
        elif org is not None and inn and org.inn != inn:
            parsed.error(
                number,
                _col(columns, "inn"),
                inn,
                f"ИНН не совпадает с организацией «{org.short_name or org.full_name}» (ИНН {org.inn}), "
                f"которой в реестре принадлежит идентификатор bus.gov.ru {busgov_id}",
            )
            return None
        if org is None:
            if busgov_id:
                parsed.error(
                    number,
                    _col(columns, "busgov_id"),
                    busgov_id,
                    "организация с таким идентификатором bus.gov.ru не найдена в реестре (укажите ИНН или внесите "
                    "идентификатор в реестр)",
                )
            else:
                column = _col(columns, "inn") if "inn" in columns else _col(columns, "busgov_id")
                parsed.error(number, column, "", "не указаны ни идентификатор bus.gov.ru, ни ИНН организации")
            return None
        if org.pk not in self.visible:
            column = _col(columns, "busgov_id") if busgov_id else _col(columns, "inn")
            parsed.error(
                number,
                column,
                busgov_id or inn,
                f"организация «{org.short_name or org.full_name}» не входит в вашу зону ответственности",
            )
            return None
        return org


# --- reviews ---------------------------------------------------------------------------------------------


def parse_reviews(user, data: bytes, filename: str, layout: Layout) -> Parsed:
    from busgov.services import review_key

    definition = layout.definition
    fields: dict[str, list[str]] = definition["fields"]
    words = {_norm(k): v for k, v in definition.get("ratings", {}).items()}
    table = read_table(data, filename, header_row=definition.get("header_row", 1))
    parsed = Parsed(total=len(table.rows))
    columns = _map_columns(table, fields)
    if not _check_columns(parsed, definition, columns, fields):
        return parsed
    matcher = OrganizationMatcher(user)
    seen: dict[tuple[int, str], int] = {}

    def cell(record: dict, name: str) -> Any:
        return record.get(columns[name][0]) if name in columns else None

    for number, record in table.records():
        bad = len(parsed.errors)
        org = matcher.match(parsed, number, columns, record)
        try:
            posted_on = parse_date(cell(record, "posted_on"))
            if posted_on is None:
                parsed.error(number, _col(columns, "posted_on"), "", "не указана дата отзыва")
        except ValueError as exc:
            posted_on = None
            parsed.error(number, _col(columns, "posted_on"), cell(record, "posted_on"), str(exc))
        if posted_on and posted_on > datetime.date.today() + datetime.timedelta(days=1):
            parsed.error(number, _col(columns, "posted_on"), cell(record, "posted_on"), "дата отзыва в будущем")
        ratings: dict[str, int] = {}
        overall = None
        for name in ("rating", "K1", "K2", "K3", "K4", "K5"):
            if name not in columns:
                continue
            try:
                value = parse_rating(cell(record, name), words)
            except ValueError as exc:
                parsed.error(number, _col(columns, name), cell(record, name), str(exc))
                continue
            if value is None:
                continue
            if name == "rating":
                overall = value
            else:
                ratings[name] = value
        text = str(cell(record, "text") or "").strip()
        response_text = str(cell(record, "response_text") or "").strip()
        try:
            response_date = parse_date(cell(record, "response_date"))
        except ValueError as exc:
            response_date = None
            parsed.error(number, _col(columns, "response_date"), cell(record, "response_date"), str(exc))
        if response_text and posted_on and response_date and response_date < posted_on:
            parsed.error(number, _col(columns, "response_date"), cell(record, "response_date"), "ответ раньше отзыва")
        if not text and overall is None and not ratings and org is not None and posted_on is not None:
            column = _col(columns, "text") if "text" in columns else "—"
            parsed.error(number, column, "", "в строке нет ни текста отзыва, ни оценки")
        if len(parsed.errors) > bad or org is None or posted_on is None:
            continue
        external_id = clean_cell(cell(record, "external_id"))
        author = clean_cell(cell(record, "author"))
        key = review_key(external_id, org.pk, posted_on, author, text)
        if (org.pk, key) in seen:
            column = _col(columns, "external_id") if external_id else "—"
            parsed.error(number, column, external_id, f"повтор отзыва из строки {seen[(org.pk, key)]}")
            continue
        seen[(org.pk, key)] = number
        parsed.rows.append(
            {
                "row": number,
                "organization_id": org.pk,
                "key": key,
                "external_id": external_id,
                "posted_on": posted_on.isoformat(),
                "author": author[:300],
                "rating": overall,
                "criterion_ratings": ratings,
                "text": text,
                "response_text": response_text,
                "response_date": (response_date or posted_on).isoformat() if response_text else None,
            }
        )
    parsed.preview = _reviews_preview(parsed.rows)
    return parsed


def _existing_reviews(rows: list[dict]) -> dict[tuple[int, str], CitizenReview]:
    org_ids = {r["organization_id"] for r in rows}
    keys = {r["key"] for r in rows}
    existing = {}
    for review in CitizenReview.objects.filter(organization_id__in=org_ids, key__in=keys).select_related("response"):
        existing[(review.organization_id, review.key)] = review
    return existing


def _review_values(row: dict) -> tuple:
    return (
        row["posted_on"],
        row["author"],
        row["rating"],
        row["criterion_ratings"] or {},
        row["text"],
    )


def _stored_values(review: CitizenReview) -> tuple:
    return (review.posted_on.isoformat(), review.author, review.rating, review.criterion_ratings or {}, review.text)


def _reviews_preview(rows: list[dict]) -> dict[str, int]:
    existing = _existing_reviews(rows)
    new = same = changed = 0
    for row in rows:
        review = existing.get((row["organization_id"], row["key"]))
        if review is None:
            new += 1
        elif _stored_values(review) == _review_values(row):
            same += 1
        else:
            changed += 1
    return {
        "new": new,
        "unchanged": same,
        "changed": changed,
        "organizations": len({r["organization_id"] for r in rows}),
    }


def apply_reviews(user, batch) -> dict[str, int]:
    from busgov.services import classify, settings_for, tagger

    rows = batch.rows
    existing = _existing_reviews(rows)
    tag = tagger()
    orgs = {
        o.pk: o
        for o in Organization.objects.filter(pk__in={r["organization_id"] for r in rows}).select_related("territory")
    }
    limits = {}
    created, updated, unchanged = [], [], 0
    responses_new, responses_upd = [], []
    for row in rows:
        org = orgs[row["organization_id"]]
        if org.territory_id not in limits:
            limits[org.territory_id] = settings_for(org.territory).negative_max_rating
        review = existing.get((org.pk, row["key"]))
        if review is not None and _stored_values(review) == _review_values(row):
            unchanged += 1
        else:
            topics, criteria, negative = classify(
                row["text"], row["rating"], row["criterion_ratings"], tag, limits[org.territory_id]
            )
            values = {
                "external_id": row["external_id"],
                "posted_on": datetime.date.fromisoformat(row["posted_on"]),
                "author": row["author"],
                "rating": row["rating"],
                "criterion_ratings": row["criterion_ratings"] or {},
                "text": row["text"],
                "topics": topics,
                "criteria": criteria,
                "is_negative": negative,
            }
            if review is None:
                review = CitizenReview(
                    organization=org, key=row["key"], source=ReviewSource.IMPORT, batch=batch, **values
                )
                created.append(review)
            else:
                for name, value in values.items():
                    setattr(review, name, value)
                review.batch = batch
                updated.append(review)
        if row.get("response_text"):
            current = getattr(review, "response", None) if review.pk else None
            responded_on = datetime.date.fromisoformat(row["response_date"])
            if current is None:
                responses_new.append((review, row["response_text"], responded_on))
            elif current.source == ReviewSource.IMPORT and (current.text, current.responded_on) != (
                row["response_text"],
                responded_on,
            ):
                current.text, current.responded_on = row["response_text"], responded_on
                responses_upd.append(current)
    CitizenReview.objects.bulk_create(created, batch_size=1000)
    CitizenReview.objects.bulk_update(
        updated,
        [
            "external_id",
            "posted_on",
            "author",
            "rating",
            "criterion_ratings",
            "text",
            "topics",
            "criteria",
            "is_negative",
            "batch",
        ],
        batch_size=1000,
    )
    if any(r.pk is None for r, _t, _d in responses_new):
        # bulk_create on SQLite/PostgreSQL sets primary keys; re-read if a backend did not
        keyed = _existing_reviews(rows)
        responses_new = [(keyed[(r.organization_id, r.key)], t, d) for r, t, d in responses_new]
    ReviewResponse.objects.bulk_create(
        [ReviewResponse(review=r, text=t, responded_on=d, source=ReviewSource.IMPORT) for r, t, d in responses_new],
        batch_size=1000,
    )
    ReviewResponse.objects.bulk_update(responses_upd, ["text", "responded_on"], batch_size=1000)
    return {
        "created": len(created),
        "updated": len(updated),
        "unchanged": unchanged,
        "responses": len(responses_new) + len(responses_upd),
    }


# --- placement statuses ----------------------------------------------------------------------------------


def parse_status(user, data: bytes, filename: str, layout: Layout) -> Parsed:
    from cycles.models import CycleOrganization

    definition = layout.definition
    fields = definition["fields"]
    kinds = {_norm(k): v for k, v in definition.get("kinds", {}).items()}
    statuses = {_norm(k): v for k, v in definition.get("statuses", {}).items()}
    table = read_table(data, filename, header_row=definition.get("header_row", 1))
    parsed = Parsed(total=len(table.rows))
    columns = _map_columns(table, fields)
    if not _check_columns(parsed, definition, columns, fields):
        return parsed
    matcher = OrganizationMatcher(user)
    seen: dict[tuple[int, str], int] = {}

    def cell(record: dict, name: str) -> Any:
        return record.get(columns[name][0]) if name in columns else None

    for number, record in table.records():
        bad = len(parsed.errors)
        org = matcher.match(parsed, number, columns, record)
        kind = kinds.get(_norm(clean_cell(cell(record, "info_kind"))))
        if kind is None:
            parsed.error(
                number,
                _col(columns, "info_kind"),
                cell(record, "info_kind"),
                f"неизвестный вид информации (ожидается: {', '.join(definition.get('kinds', {}))})",
            )
        status = statuses.get(_norm(clean_cell(cell(record, "status"))))
        if status is None:
            parsed.error(
                number,
                _col(columns, "status"),
                cell(record, "status"),
                f"неизвестный статус (ожидается: {', '.join(definition.get('statuses', {}))})",
            )
        year_text = clean_cell(cell(record, "year"))
        year = int(year_text) if year_text.isdigit() and 2014 <= int(year_text) <= 2100 else None
        if year is None:
            parsed.error(number, _col(columns, "year"), year_text, "год НОКО должен быть числом, например 2025")
        try:
            placed_on = parse_date(cell(record, "placed_on"))
        except ValueError as exc:
            placed_on = None
            parsed.error(number, _col(columns, "placed_on"), cell(record, "placed_on"), str(exc))
        if status == PlacementStatus.PLACED and placed_on is None and "placed_on" in columns:
            parsed.error(number, _col(columns, "placed_on"), "", "для размещённой информации нужна дата размещения")
        url = clean_cell(cell(record, "url"))
        if url and not re.match(r"^https?://", url):
            parsed.error(number, _col(columns, "url"), url, "ссылка должна начинаться с http:// или https://")
        entry = None
        if org is not None and year is not None:
            entry = (
                CycleOrganization.objects.included()
                .filter(organization=org, cycle__year=year)
                .order_by("cycle__territory__parent_id")
                .first()
            )
            if entry is None:
                parsed.error(
                    number,
                    _col(columns, "year"),
                    year_text,
                    f"организация «{org.short_name or org.full_name}» не оценивалась в {year} году",
                )
        if len(parsed.errors) > bad or entry is None:
            continue
        if (entry.pk, kind) in seen:
            parsed.error(
                number, _col(columns, "info_kind"), cell(record, "info_kind"), f"повтор строки {seen[(entry.pk, kind)]}"
            )
            continue
        seen[(entry.pk, kind)] = number
        parsed.rows.append(
            {
                "row": number,
                "entry_id": entry.pk,
                "organization_id": org.pk,
                "kind": kind,
                "status": status,
                "placed_on": placed_on.isoformat() if placed_on else None,
                "url": url,
            }
        )
    parsed.preview = {"rows": len(parsed.rows), "placed": sum(1 for r in parsed.rows if r["status"] == "placed")}
    return parsed


def apply_status(user, batch) -> dict[str, int]:
    from busgov.models import Placement
    from busgov.services import mark_placement
    from cycles.models import CycleOrganization

    entries = CycleOrganization.objects.select_related("organization__territory").in_bulk(
        [r["entry_id"] for r in batch.rows]
    )
    before = {(p.cycle_organization_id, p.kind): p for p in Placement.objects.filter(cycle_organization_id__in=entries)}
    changed = unchanged = 0
    for row in batch.rows:
        old = before.get((row["entry_id"], row["kind"]))
        placed_on = datetime.date.fromisoformat(row["placed_on"]) if row["placed_on"] else None
        if old is not None and (old.status, old.placed_on, old.url or "") == (row["status"], placed_on, row["url"]):
            unchanged += 1
            continue
        mark_placement(
            user,
            entries[row["entry_id"]],
            row["kind"],
            status=row["status"],
            placed_on=placed_on,
            url=row["url"],
            source=PlacementSource.STATUS_FILE,
            note=f"файл «{batch.filename}», строка {row['row']}",
        )
        changed += 1
    return {"changed": changed, "unchanged": unchanged}


# --- responsible officials -------------------------------------------------------------------------------

OFFICIAL_COLUMNS = [
    ("inn", "ИНН организации", "пусто, если лицо назначено органом управления"),
    ("territory", "Орган управления (территория)", "наименование или код ОКТМО; пусто для организации"),
    ("full_name", "ФИО", "обязательно"),
    ("position", "Должность", "обязательно"),
    ("phone", "Телефон", ""),
    ("email", "E-mail", ""),
    (
        "duties",
        "Обязанности",
        "«все» или через запятую: размещение, достоверность, мониторинг, недостатки, информирование",
    ),
    ("order_number", "Номер приказа", ""),
    ("order_date", "Дата приказа", "ДД.ММ.ГГГГ"),
    ("period_start", "Действует с", "ДД.ММ.ГГГГ"),
    ("period_end", "Действует по", "ДД.ММ.ГГГГ"),
]
OFFICIAL_FIELDS_MAP = {code: [header] for code, header, _hint in OFFICIAL_COLUMNS}


def officials_template_xlsx() -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Ответственные")
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#EEF2F7"})
    for col, (_code, header, note) in enumerate(OFFICIAL_COLUMNS):
        sheet.write(0, col, header, bold)
        sheet.write_comment(0, col, note or header)
        sheet.set_column(col, col, 24)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def _duties(text: str) -> list[str]:
    value = _norm(text)
    if value in ("все", "всё", "all"):
        return sorted(Duty.values)
    result = []
    labels = {_norm(str(d.label)): d.value for d in Duty}
    for part in re.split(r"[;,\n]+", value):
        part = part.strip()
        if not part:
            continue
        code = DUTY_ALIASES.get(part) or labels.get(part) or (part if part in Duty.values else None)
        if code is None:
            raise ValueError(f"неизвестная обязанность «{part}»")
        result.append(str(code))
    return sorted(set(result))


def parse_officials(user, data: bytes, filename: str) -> Parsed:
    from busgov.services import can_manage_organization, can_manage_territory

    table = read_table(data, filename)
    parsed = Parsed(total=len(table.rows))
    columns = _map_columns(table, OFFICIAL_FIELDS_MAP)
    definition = {"required": ["full_name", "position", "duties"], "one_of": [["inn", "territory"]]}
    if not _check_columns(parsed, definition, columns, OFFICIAL_FIELDS_MAP):
        return parsed
    orgs = {o.inn: o for o in Organization.objects.select_related("territory")}
    territories = list(Territory.objects.all())
    by_name = {_norm(t.name): t for t in territories}
    by_code = {t.code: t for t in territories if t.code}

    def cell(record: dict, name: str) -> str:
        return clean_cell(record.get(columns[name][0])) if name in columns else ""

    seen: dict[tuple, int] = {}
    for number, record in table.records():
        bad = len(parsed.errors)
        inn, territory_text = cell(record, "inn"), cell(record, "territory")
        org = territory = None
        if inn and territory_text:
            parsed.error(
                number,
                _col(columns, "territory"),
                territory_text,
                "укажите либо ИНН организации, либо орган управления",
            )
        elif inn:
            org = orgs.get(inn)
            if org is None:
                parsed.error(number, _col(columns, "inn"), inn, f"организация с ИНН {inn} не найдена в реестре")
            elif not can_manage_organization(user, org):
                parsed.error(number, _col(columns, "inn"), inn, "организация не входит в вашу зону ответственности")
        elif territory_text:
            territory = by_code.get(territory_text) or by_name.get(_norm(territory_text))
            if territory is None:
                parsed.error(
                    number, _col(columns, "territory"), territory_text, "территория не найдена (наименование или ОКТМО)"
                )
            elif not can_manage_territory(user, territory.pk):
                parsed.error(
                    number,
                    _col(columns, "territory"),
                    territory_text,
                    "территория не входит в вашу зону ответственности",
                )
        else:
            column = _col(columns, "inn") if "inn" in columns else _col(columns, "territory")
            parsed.error(number, column, "", "не указаны ни ИНН организации, ни орган управления")
        full_name, position = cell(record, "full_name"), cell(record, "position")
        if not full_name:
            parsed.error(number, _col(columns, "full_name"), "", "не указаны фамилия, имя, отчество")
        if not position:
            parsed.error(number, _col(columns, "position"), "", "не указана должность")
        try:
            duties = _duties(cell(record, "duties"))
            if not duties:
                parsed.error(number, _col(columns, "duties"), "", "не указаны обязанности")
        except ValueError as exc:
            duties = []
            parsed.error(number, _col(columns, "duties"), cell(record, "duties"), str(exc))
        dates = {}
        for name in ("order_date", "period_start", "period_end"):
            if name not in columns:
                dates[name] = None
                continue
            try:
                dates[name] = parse_date(record.get(columns[name][0]))
            except ValueError as exc:
                dates[name] = None
                parsed.error(number, _col(columns, name), cell(record, name), str(exc))
        if dates["period_start"] and dates["period_end"] and dates["period_end"] < dates["period_start"]:
            parsed.error(number, _col(columns, "period_end"), cell(record, "period_end"), "окончание раньше начала")
        email = cell(record, "email")
        if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
            parsed.error(number, _col(columns, "email"), email, "неверный адрес электронной почты")
        if len(parsed.errors) > bad:
            continue
        owner = ("org", org.pk) if org else ("ter", territory.pk)
        key = (*owner, _norm(full_name))
        if key in seen:
            parsed.error(number, _col(columns, "full_name"), full_name, f"повтор строки {seen[key]}")
            continue
        seen[key] = number
        parsed.rows.append(
            {
                "row": number,
                "organization_id": org.pk if org else None,
                "territory_id": territory.pk if territory else None,
                "full_name": full_name,
                "position": position,
                "phone": cell(record, "phone"),
                "email": email,
                "duties": duties,
                "order_number": cell(record, "order_number"),
                "order_date": dates["order_date"].isoformat() if dates["order_date"] else None,
                "period_start": dates["period_start"].isoformat() if dates["period_start"] else None,
                "period_end": dates["period_end"].isoformat() if dates["period_end"] else None,
            }
        )
    existing = _existing_officials(parsed.rows)
    parsed.preview = {"new": sum(1 for r in parsed.rows if _official_key(r) not in existing)}
    parsed.preview["updated"] = len(parsed.rows) - parsed.preview["new"]
    return parsed


def _official_key(row: dict) -> tuple:
    return (row["organization_id"], row["territory_id"], _norm(row["full_name"]))


def _existing_officials(rows: list[dict]) -> dict[tuple, ResponsibleOfficial]:
    orgs = {r["organization_id"] for r in rows if r["organization_id"]}
    ters = {r["territory_id"] for r in rows if r["territory_id"]}
    found = {}
    for official in ResponsibleOfficial.objects.filter(organization_id__in=orgs) | ResponsibleOfficial.objects.filter(
        territory_id__in=ters
    ):
        found[(official.organization_id, official.territory_id, _norm(official.full_name))] = official
    return found


def apply_officials(user, batch) -> dict[str, int]:
    from audit.services import snapshot
    from busgov.services import OFFICIAL_FIELDS, save_official

    existing = _existing_officials(batch.rows)
    created = updated = unchanged = 0
    for row in batch.rows:
        data = {
            "organization": row["organization_id"],
            "territory": row["territory_id"],
            "full_name": row["full_name"],
            "position": row["position"],
            "phone": row["phone"],
            "email": row["email"],
            "duties": row["duties"],
            "order_number": row["order_number"],
            "order_date": datetime.date.fromisoformat(row["order_date"]) if row["order_date"] else None,
            "period_start": datetime.date.fromisoformat(row["period_start"]) if row["period_start"] else None,
            "period_end": datetime.date.fromisoformat(row["period_end"]) if row["period_end"] else None,
        }
        official = existing.get(_official_key(row))
        if official is not None:
            before = snapshot(official, OFFICIAL_FIELDS)
            probe = ResponsibleOfficial(pk=official.pk)
            for name in OFFICIAL_FIELDS:
                setattr(probe, f"{name}_id" if name in ("territory", "organization") else name, data[name])
            if snapshot(probe, OFFICIAL_FIELDS) == before:
                unchanged += 1
                continue
            save_official(user, data, official)
            updated += 1
        else:
            save_official(user, data)
            created += 1
    return {"created": created, "updated": updated, "unchanged": unchanged}


def info_kind_label(kind: str) -> str:
    return str(InfoKind(kind).label) if kind in InfoKind.values else kind
