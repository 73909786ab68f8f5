"""Registry import from XLSX/CSV: validate every row, show a diff, apply on confirmation.

Nothing is written unless the whole file is valid; the diff is applied in one
transaction and each created or changed organization gets its audit entry.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone

from accounts.scopes import scope_for
from audit.services import log_action, snapshot
from lib.ru_ids import inn_error, ogrn_error
from lib.tables import TableError, column_letter, read_table
from lib.text import clean_cell, normalize_search
from registry.choices import ORG_STATUS_ALIASES, ORG_TYPE_ALIASES, OrgStatus, OrgType
from registry.models import ImportBatch, Organization, Territory, validate_timezone

# (header in the file, field, required column, required value)
COLUMNS: list[tuple[str, str, bool, bool]] = [
    ("ИНН", "inn", True, True),
    ("ОГРН", "ogrn", False, False),
    ("Полное наименование", "full_name", True, True),
    ("Краткое наименование", "short_name", False, False),
    ("Тип", "org_type", True, True),
    ("Учредитель", "founder", False, False),
    ("Муниципальное образование", "territory", True, True),
    ("Адрес", "address", False, False),
    ("Официальный сайт", "website", False, False),
    ("Идентификатор bus.gov.ru", "busgov_id", False, False),
    ("Руководитель (ФИО)", "head_name", False, False),
    ("Должность руководителя", "head_position", False, False),
    ("E-mail руководителя", "head_email", False, False),
    ("Телефон руководителя", "head_phone", False, False),
    ("Контингент", "contingent", False, False),
    ("Число родителей", "parents_count", False, False),
    ("ИНН головной организации", "parent", False, False),
    ("Статус", "status", False, False),
    ("Часовой пояс", "timezone", False, False),
]
HEADER_TO_FIELD = {header: fld for header, fld, _, _ in COLUMNS}
FIELD_TO_HEADER = {fld: header for header, fld, _, _ in COLUMNS}
# fields compared when deciding whether an existing organization changed
COMPARED_FIELDS = [fld for _, fld, _, _ in COLUMNS if fld != "inn"]

_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"строка {self.row}" if self.row else "файл"
        if self.column:
            where += f", столбец «{self.column}»"
        shown = f" = «{self.value}»" if self.value else ""
        return f"{where}{shown}: {self.message}"


@dataclass
class ParsedFile:
    rows: list[dict[str, Any]] = field(default_factory=list)  # field → plain value, plus "_row"
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def template_xlsx() -> bytes:
    """An empty import template with the expected headers and one example row."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Реестр")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "bg_color": "#E8EEF7", "border": 1})
    for col, (header, _fld, required_col, _req) in enumerate(COLUMNS):
        sheet.write(0, col, header + (" *" if required_col else ""), bold)
        sheet.set_column(col, col, 22)
    example = {
        "inn": "2536012345",
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»",
        "short_name": "МБОУ СОШ № 1",
        "org_type": "ОО",
        "territory": "Название муниципального образования",
        "status": "действует",
    }
    text = workbook.add_format({"num_format": "@"})
    for col, (_header, fld, _rc, _rv) in enumerate(COLUMNS):
        sheet.write_string(1, col, example.get(fld, ""), text)
    notes = workbook.add_worksheet("Пояснения")
    notes.write(
        0, 0, "Тип: ДОО, ОО, СПО, ДО, иная. Статус: действует, реорганизуется, ликвидирована, временно закрыта."
    )
    notes.write(1, 0, "Столбцы со звёздочкой обязательны. Строки сопоставляются с реестром по ИНН.")
    notes.write(2, 0, "Пример во второй строке листа «Реестр» удалите перед загрузкой.")
    workbook.close()
    return buffer.getvalue()


def _header_name(raw: str) -> str:
    return raw.rstrip(" *").strip()


def parse_file(data: bytes, filename: str, user) -> ParsedFile:
    """Read and validate every row; never touches the database except to look names up."""
    result = ParsedFile()
    try:
        table = read_table(data, filename)
    except TableError as exc:
        result.errors.append(RowError(0, "", "", str(exc)))
        return result
    headers = [_header_name(h) for h in table.headers]
    known = set(HEADER_TO_FIELD)
    for header, _fld, required_col, _rv in COLUMNS:
        if required_col and header not in headers:
            result.errors.append(RowError(1, header, "", "нет обязательного столбца"))
    for index, header in enumerate(headers):
        if header and header not in known:
            result.warnings.append(f"Столбец {column_letter(index)} «{header}» не распознан и не будет загружен")
    if result.errors:
        return result
    table.headers = headers

    scope = scope_for(user)
    territories = {
        normalize_search(t.name): t
        for t in Territory.objects.filter(pk__in=scope.territory_ids)
        if t.parent_id is not None
    }
    seen_inn: dict[str, int] = {}
    present_columns = set(headers)
    for number, record in table.records():
        row: dict[str, Any] = {"_row": number}
        errors: list[RowError] = []

        def cell(fld: str, record: dict = record) -> str:
            return clean_cell(record.get(FIELD_TO_HEADER[fld]))

        def err(fld: str, value: str, message: str, number: int = number, errors: list = errors) -> None:
            errors.append(RowError(number, FIELD_TO_HEADER[fld], value, message))

        for _header, fld, _rc, required_value in COLUMNS:
            if FIELD_TO_HEADER[fld] not in present_columns:
                continue
            value = cell(fld)
            if required_value and not value:
                err(fld, value, "пустое значение")
                continue
            row[fld] = value

        inn = row.get("inn", "")
        if inn:
            problem = inn_error(inn)
            if problem:
                err("inn", inn, problem)
            elif inn in seen_inn:
                err("inn", inn, f"ИНН повторяется (уже в строке {seen_inn[inn]})")
            else:
                seen_inn[inn] = number
        if row.get("ogrn"):
            problem = ogrn_error(row["ogrn"])
            if problem:
                err("ogrn", row["ogrn"], problem)
        if "org_type" in row:
            key = normalize_search(row["org_type"])
            if key in ORG_TYPE_ALIASES:
                row["org_type"] = str(ORG_TYPE_ALIASES[key])
            else:
                err("org_type", row["org_type"], "неизвестный тип (ДОО, ОО, СПО, ДО или иная)")
        if "status" in row:
            key = normalize_search(row["status"])
            if key in ORG_STATUS_ALIASES:
                row["status"] = str(ORG_STATUS_ALIASES[key])
            else:
                err("status", row["status"], "неизвестный статус")
        if "territory" in row:
            territory = territories.get(normalize_search(row["territory"]))
            if territory is None:
                err("territory", row["territory"], "муниципальное образование не найдено в вашей территории")
            else:
                row["territory"] = territory.pk
        if row.get("website"):
            url = row["website"]
            if "://" not in url:
                url = "https://" + url
            try:
                _url_validator(url)
                row["website"] = url
            except ValidationError:
                err("website", row["website"], "неверный адрес сайта")
        if row.get("head_email"):
            try:
                _email_validator(row["head_email"])
            except ValidationError:
                err("head_email", row["head_email"], "неверный адрес электронной почты")
        for fld in ("contingent", "parents_count"):
            if fld not in row:
                continue
            raw = row[fld]
            if raw == "":
                row[fld] = 0 if fld == "contingent" else None
                continue
            try:
                number_value = int(raw)
                if number_value < 0:
                    raise ValueError
                row[fld] = number_value
            except ValueError:
                err(fld, raw, "ожидается целое неотрицательное число")
        if row.get("timezone"):
            try:
                validate_timezone(row["timezone"])
            except ValidationError:
                err("timezone", row["timezone"], "неизвестный часовой пояс (пример: Asia/Vladivostok)")
        result.errors.extend(errors)
        result.rows.append(row)

    # branches: the parent ИНН must be in the file or in the registry, and not a branch itself
    file_inns = {r["inn"] for r in result.rows if r.get("inn")}
    parent_inns = {r["parent"] for r in result.rows if r.get("parent")}
    registry_parents = set(Organization.objects.filter(inn__in=parent_inns - file_inns).values_list("inn", flat=True))
    for row in result.rows:
        parent = row.get("parent")
        if not parent:
            continue
        if parent == row.get("inn"):
            result.errors.append(
                RowError(
                    row["_row"],
                    FIELD_TO_HEADER["parent"],
                    parent,
                    "филиал не может быть головной организацией самому себе",
                )
            )
        elif parent not in file_inns and parent not in registry_parents:
            result.errors.append(
                RowError(row["_row"], FIELD_TO_HEADER["parent"], parent, "головная организация с таким ИНН не найдена")
            )
    result.errors.sort(key=lambda e: (e.row, e.column))
    return result


@dataclass
class Diff:
    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)  # {"inn", "id", "name", "changes": {field: [old, new]}}
    missing: list[dict[str, Any]] = field(default_factory=list)  # {"inn", "id", "name"}
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "changed": self.changed,
            "missing": self.missing,
            "unchanged": self.unchanged,
        }


def _current_value(org: Organization, fld: str) -> Any:
    if fld == "territory":
        return org.territory_id
    if fld == "parent":
        return org.parent.inn if org.parent_id else ""
    value = getattr(org, fld)
    return "" if value is None and fld != "parents_count" else value


def compute_diff(parsed: ParsedFile, user) -> Diff:
    diff = Diff()
    scope = scope_for(user)
    inns = [r["inn"] for r in parsed.rows]
    existing = {o.inn: o for o in Organization.objects.filter(inn__in=inns).select_related("parent")}
    editable_ids = set(Organization.objects.editable_by(user).filter(inn__in=inns).values_list("pk", flat=True))
    file_territories: set[int] = set()
    for row in parsed.rows:
        file_territories.add(row["territory"])
        org = existing.get(row["inn"])
        if org is None:
            diff.added.append({**row, "row": row["_row"]})
            continue
        if org.pk not in editable_ids:
            diff.errors.append(
                RowError(row["_row"], "ИНН", row["inn"], "организация с этим ИНН относится к чужой территории")
            )
            continue
        changes = {}
        for fld in COMPARED_FIELDS:
            if fld not in row:
                continue  # column absent from the file: leave the field as it is
            old = _current_value(org, fld)
            new = row[fld]
            if (old or None) != (new or None):
                changes[fld] = [old, new]
        if changes:
            diff.changed.append(
                {"inn": row["inn"], "id": org.pk, "name": str(org), "row": row["_row"], "changes": changes}
            )
        else:
            diff.unchanged += 1
    missing_qs = Organization.objects.editable_by(user).filter(territory_id__in=file_territories).exclude(inn__in=inns)
    if not scope.sees_everything:
        missing_qs = missing_qs.filter(territory_id__in=scope.territory_ids)
    diff.missing = [{"inn": o.inn, "id": o.pk, "name": str(o)} for o in missing_qs.order_by("full_name")]
    return diff


def prepare_import(user, data: bytes, filename: str) -> tuple[ImportBatch | None, ParsedFile, Diff | None]:
    """Validate a file and, if it is clean, store a pending batch with its diff."""
    if not scope_for(user).can_edit_registry:
        raise PermissionDenied("registry is read-only for this user")
    parsed = parse_file(data, filename, user)
    if parsed.errors:
        return None, parsed, None
    diff = compute_diff(parsed, user)
    if diff.errors:
        parsed.errors.extend(diff.errors)
        return None, parsed, diff
    batch = ImportBatch.objects.create(
        created_by=user,
        filename=filename[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        rows=parsed.rows,
        diff=diff.as_json(),
        warnings=parsed.warnings,
    )
    return batch, parsed, diff


class StaleImport(Exception):
    """The registry changed between preview and confirmation; the user must look again."""


def apply_import(user, batch: ImportBatch) -> dict[str, int]:
    """Apply a previewed batch in one transaction; refuses if the diff no longer matches."""
    if batch.status != ImportBatch.Status.PENDING:
        raise StaleImport("Этот импорт уже применён или отменён.")
    if batch.created_by_id != user.pk:
        raise PermissionDenied("only the author confirms an import")
    parsed = ParsedFile(rows=batch.rows)
    with transaction.atomic():
        current = compute_diff(parsed, user)
        if current.errors or current.as_json() != _normalize(batch.diff):
            raise StaleImport("Реестр изменился после предварительного просмотра. Загрузите файл ещё раз.")
        created = _apply_rows(user, batch, current)
        batch.status = ImportBatch.Status.APPLIED
        batch.applied_at = timezone.now()
        batch.save(update_fields=["status", "applied_at"])
        counts = {"added": created, "changed": len(current.changed), "missing": len(current.missing)}
        log_action(
            user,
            "registry.import.applied",
            batch,
            data={"filename": batch.filename, "sha256": batch.file_sha256, **counts},
            territory=user_territory(user),
        )
    return counts


def _normalize(value: Any) -> Any:
    """JSON round-trip so a stored diff compares equal to a freshly computed one."""
    import json

    return json.loads(json.dumps(value))


def user_territory(user) -> int | None:
    membership = user.memberships.filter(territory__isnull=False).order_by("pk").first()
    return membership.territory_id if membership else None


def _row_to_fields(row: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in row.items() if not k.startswith("_") and k not in ("parent", "row")}
    if "territory" in values:
        values["territory_id"] = values.pop("territory")
    values.setdefault("status", OrgStatus.ACTIVE)
    values.setdefault("org_type", OrgType.OTHER)
    return values


def _apply_rows(user, batch: ImportBatch, diff: Diff) -> int:
    by_inn: dict[str, Organization] = {}
    for row in diff.added:
        org = Organization(**_row_to_fields(row))
        org.full_clean(exclude=["parent", "territory"])
        org.save()
        by_inn[org.inn] = org
        log_action(user, "registry.organization.created", org, after=snapshot(org), data={"import": batch.pk})
    for item in diff.changed:
        org = Organization.objects.select_for_update().get(pk=item["id"])
        before = snapshot(org)
        for fld, (_old, new) in item["changes"].items():
            if fld == "territory":
                org.territory_id = new
            elif fld == "parent":
                continue
            else:
                setattr(org, fld, new)
        org.full_clean(exclude=["parent", "territory"])
        org.save()
        by_inn[org.inn] = org
        after = snapshot(org)
        changed = {k for k in after if before.get(k) != after.get(k)}
        if changed:
            log_action(
                user,
                "registry.organization.updated",
                org,
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
                data={"import": batch.pk},
            )
    # branches last, once every parent exists
    for row in diff.added + [
        {"inn": c["inn"], "parent": c["changes"]["parent"][1]} for c in diff.changed if "parent" in c["changes"]
    ]:
        if "parent" not in row:
            continue
        org = by_inn.get(row["inn"]) or Organization.objects.get(inn=row["inn"])
        parent = Organization.objects.filter(inn=row["parent"]).first() if row["parent"] else None
        if (org.parent_id or None) != (parent.pk if parent else None):
            before = {"parent": org.parent_id}
            org.parent = parent
            org.full_clean(exclude=["territory"])
            org.save(update_fields=["parent"])
            log_action(
                user,
                "registry.organization.updated",
                org,
                before=before,
                after={"parent": org.parent_id},
                data={"import": batch.pk},
            )
    return len(diff.added)


def export_xlsx(queryset) -> bytes:
    """The registry (the rows the caller may see) as an XLSX in the import layout."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = workbook.add_worksheet("Реестр")
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    text = workbook.add_format({"num_format": "@"})
    for col, (header, _fld, _rc, _rv) in enumerate(COLUMNS):
        sheet.write(0, col, header, bold)
        sheet.set_column(col, col, 20)
    type_labels = {t.value: OrgType.short_label(t.value) for t in OrgType}
    status_labels = {s.value: str(s.label) for s in OrgStatus}
    for row_index, org in enumerate(
        queryset.select_related("territory", "parent").order_by("territory__name", "full_name"), start=1
    ):
        for col, (_header, fld, _rc, _rv) in enumerate(COLUMNS):
            if fld == "territory":
                sheet.write_string(row_index, col, org.territory.name)
            elif fld == "parent":
                sheet.write_string(row_index, col, org.parent.inn if org.parent_id else "")
            elif fld == "org_type":
                sheet.write_string(row_index, col, type_labels[org.org_type])
            elif fld == "status":
                sheet.write_string(row_index, col, status_labels[org.status])
            elif fld in ("contingent", "parents_count"):
                value = getattr(org, fld)
                if value is not None:
                    sheet.write_number(row_index, col, value)
            else:
                sheet.write_string(
                    row_index, col, str(getattr(org, fld) or ""), text if fld in ("inn", "ogrn") else None
                )
    workbook.close()
    return buffer.getvalue()
