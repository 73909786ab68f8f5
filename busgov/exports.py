"""Packages for placement on bus.gov.ru: rows built from published data, written in the layout's formats.

The results package reads final ``scoring.Result`` values (rounded for publication to the methodology's
``publish_decimals``), the cycle ``Rating`` by the total and the active ``Shortcoming`` rows; the proposals
column gives the measure of the plan item for a shortcoming, else the typical proposal for its indicator.
The plans package reads approved plans (ПП 457 columns) and exceptions («Иная информация»). Nothing is
computed here. Which columns, their headers, XML tags and formats: the ``Layout`` (data).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from xml.etree import ElementTree as ET

from busgov.choices import InfoKind
from busgov.models import Layout
from cycles.models import Cycle, CycleOrganization
from registry.choices import OrgType

# --- rows ------------------------------------------------------------------------------------------------


def _entries(cycle: Cycle) -> list[CycleOrganization]:
    return list(
        CycleOrganization.objects.included()
        .filter(cycle=cycle)
        .select_related("organization__territory")
        .order_by("organization__territory__name", "organization__short_name", "pk")
    )


def _decimals(cycle: Cycle, layout: Layout) -> int:
    from scoring.models import Methodology

    methodology = Methodology.objects.filter(code=cycle.methodology_version).first()
    if methodology is not None:
        return methodology.publish_decimals
    return int(layout.definition.get("decimals", 2))


def _round(value: Decimal | None, places: int) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _proposal(indicator: str) -> str:
    try:
        from reports.proposals import proposal_for
    except ImportError:  # the reports app is optional for the bridge
        return "Устранить выявленный недостаток."
    return proposal_for(indicator)


def results_rows(cycle: Cycle, layout: Layout) -> list[dict[str, Any]]:
    """One row per organization on the cycle's list: {column code: value}, plus ``_entry`` and ``_org``."""
    from scoring.choices import RatingGroup
    from scoring.models import TOTAL_CODE, Rating, Result, Shortcoming

    entries = _entries(cycle)
    places = _decimals(cycle, layout)
    values: dict[tuple[int, str], Decimal | None] = {}
    for entry_id, code, value in (
        Result.objects.final().filter(cycle=cycle).values_list("cycle_organization_id", "code", "value")
    ):
        values[(entry_id, code)] = value
    positions = dict(
        Rating.objects.filter(cycle=cycle, code=TOTAL_CODE, group=RatingGroup.CYCLE).values_list(
            "cycle_organization_id", "position"
        )
    )
    shortcomings: dict[int, list] = defaultdict(list)
    for s in Shortcoming.objects.filter(cycle=cycle).active().order_by("indicator_code", "item_code", "pk"):
        shortcomings[s.cycle_organization_id].append(s)
    measures = _plan_measures(cycle)
    rows = []
    for entry in entries:
        org = entry.organization
        own = shortcomings.get(entry.pk, [])
        row: dict[str, Any] = {"_entry": entry.pk, "_org": org.pk, "_name": org.short_name or org.full_name}
        for column in layout.columns:
            source = column["source"]
            if source.startswith("result:"):
                code = source.split(":", 1)[1]
                row[column["code"]] = _round(values.get((entry.pk, code)), places)
            elif source.startswith("rating:"):
                row[column["code"]] = positions.get(entry.pk)
            elif source == "shortcomings":
                row[column["code"]] = "\n".join(
                    f"{i}. [{s.indicator_code}] {s.text}" for i, s in enumerate(own, start=1)
                )
            elif source == "proposals":
                row[column["code"]] = "\n".join(
                    f"{i}. {measures.get(s.pk) or _proposal(s.indicator_code)}" for i, s in enumerate(own, start=1)
                )
            else:
                row[column["code"]] = _simple(source, org=org, cycle=cycle)
        row["_has_total"] = values.get((entry.pk, TOTAL_CODE)) is not None
        rows.append(row)
    return rows


def _plan_measures(cycle: Cycle) -> dict[int, str]:
    from plans.models import PlanItem

    return {
        shortcoming_id: measure
        for shortcoming_id, measure in PlanItem.objects.filter(
            plan__cycle=cycle, shortcoming__isnull=False
        ).values_list("shortcoming_id", "measure")
        if measure
    }


def _simple(source: str, *, org=None, cycle=None, plan=None, item=None) -> Any:
    owner, _dot, name = source.partition(".")
    if owner == "org":
        if name == "territory":
            return org.territory.name
        if name == "type":
            return OrgType.short_label(org.org_type)
        return getattr(org, name, "")
    if owner == "cycle":
        return getattr(cycle, name, "")
    if owner == "plan" and plan is not None:
        if name == "approver":
            return ", ".join(p for p in (plan.approver_position, plan.approver_name) if p)
        if name == "exception":
            if not plan.is_exception:
                return ""
            return f"{plan.get_exception_reason_display()}. {plan.exception_note}".strip()
        return getattr(plan, name, "")
    if owner == "item":
        if item is None:
            return None
        if name == "section":
            return f"{item.section_numeral}. {item.section_title}"
        if name == "shortcoming":
            return item.shortcoming_text
        if name == "responsible":
            return item.responsible
        return getattr(item, name, "")
    raise ValueError(f"неизвестный источник данных в макете: {source}")


def plans_rows(cycle: Cycle, layout: Layout) -> list[dict[str, Any]]:
    """One row per item of every approved plan of the cycle; one row per approved exception."""
    from plans.models import Plan

    plans = (
        Plan.objects.approved()
        .filter(cycle=cycle, cycle_organization__status=CycleOrganization.Status.INCLUDED)
        .select_related("cycle", "cycle_organization__organization__territory")
        .prefetch_related("items")
        .order_by("cycle_organization__organization__territory__name", "cycle_organization__organization__short_name")
    )
    rows = []
    for plan in plans:
        org = plan.cycle_organization.organization
        items = sorted(plan.items.all(), key=lambda i: (i.criterion_code, i.order, i.pk))
        for item in items if not plan.is_exception else [None]:
            row: dict[str, Any] = {
                "_entry": plan.cycle_organization_id,
                "_org": org.pk,
                "_name": org.short_name or org.full_name,
                "_plan": plan.pk,
                "_exception": plan.is_exception,
            }
            for column in layout.columns:
                row[column["code"]] = _simple(column["source"], org=org, cycle=cycle, plan=plan, item=item)
            rows.append(row)
    return rows


def rows_for(cycle: Cycle, kind: str, layout: Layout) -> list[dict[str, Any]]:
    return results_rows(cycle, layout) if kind == InfoKind.RESULTS else plans_rows(cycle, layout)


# --- validation ------------------------------------------------------------------------------------------


def _problem(level: str, message: str, organization: str = "", column: str = "") -> dict[str, str]:
    return {"level": level, "organization": organization, "column": column, "message": message}


def validate(cycle: Cycle, kind: str, layout: Layout, rows: list[dict] | None = None) -> list[dict[str, str]]:
    """What is missing before export: errors block the package, warnings are listed in it."""
    problems: list[dict[str, str]] = []
    entries = _entries(cycle)
    if not entries:
        return [_problem("error", "В списке цикла нет организаций.")]
    rows = rows if rows is not None else rows_for(cycle, kind, layout)
    if kind == InfoKind.RESULTS:
        if not any(r.get("_has_total") for r in rows):
            return [_problem("error", "Нет итоговых (окончательных) результатов цикла: сначала утвердите результаты.")]
        from busgov.services import council_results_date

        if council_results_date(cycle)[0] is None:
            problems.append(
                _problem("warning", "Нет принятого решения общественного совета об утверждении результатов цикла.")
            )
        present = {r["_entry"] for r in rows}
        for entry in entries:
            if entry.pk not in present:
                problems.append(_problem("error", "организация отсутствует в пакете", entry.organization.short_name))
    else:
        from plans.models import Plan

        plans = {p.cycle_organization_id: p for p in Plan.objects.filter(cycle=cycle)}
        if not rows:
            return [_problem("error", "Нет утверждённых планов (и исключений) по организациям цикла.")]
        for entry in entries:
            plan = plans.get(entry.pk)
            name = entry.organization.short_name or entry.organization.full_name
            if plan is None:
                problems.append(_problem("warning", "нет ни плана, ни исключения — в пакет не входит", name))
            elif plan.status != "approved":
                problems.append(
                    _problem("warning", f"план не утверждён ({plan.get_status_display()}) — в пакет не входит", name)
                )
    for row in rows:
        for column in layout.columns:
            if not column.get("required"):
                continue
            if kind == InfoKind.PLAN and row.get("_exception") and column["source"].startswith("item."):
                continue
            value = row.get(column["code"])
            if value is None or value == "":
                problems.append(
                    _problem("warning", f"не заполнено: «{column['header']}»", row["_name"], column["code"])
                )
    return problems


# --- writers ---------------------------------------------------------------------------------------------


def _text_value(value: Any, column: dict, decimal_sep: str = ".") -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", decimal_sep)
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y") if decimal_sep == "," else value.isoformat()
    return str(value)


def write_xlsx(rows: list[dict], layout: Layout, meta: dict[str, Any], problems: list[dict]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "default_date_format": "dd.mm.yyyy"})
    head = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#EEF2F7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    places = int(meta.get("decimals", 2))
    number = book.add_format({"num_format": "0." + "0" * places if places else "0", "valign": "top"})
    integer = book.add_format({"num_format": "0", "valign": "top"})
    date = book.add_format({"num_format": "dd.mm.yyyy", "valign": "top"})
    sheet = book.add_worksheet(layout.definition.get("sheet", "Данные")[:31])
    for col, column in enumerate(layout.columns):
        sheet.write(0, col, column["header"], head)
        sheet.set_column(col, col, 50 if column.get("multiline") else 18)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for col, column in enumerate(layout.columns):
            value = row.get(column["code"])
            if value is None or value == "":
                sheet.write_blank(r, col, None)
            elif isinstance(value, Decimal):
                sheet.write_number(r, col, float(value), number)
            elif isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(r, col, value, integer)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(r, col, datetime.datetime.combine(value, datetime.time()), date)
            else:
                sheet.write_string(r, col, str(value), wrap)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(layout.columns) - 1)
    check = book.add_worksheet("Проверка")
    for col, header in enumerate(["Уровень", "Организация", "Столбец", "Замечание"]):
        check.write(0, col, header, head)
    check.set_column(0, 2, 22)
    check.set_column(3, 3, 80)
    for r, p in enumerate(problems, start=1):
        check.write_row(
            r,
            0,
            ["ошибка" if p["level"] == "error" else "предупреждение", p["organization"], p["column"], p["message"]],
        )
    about = book.add_worksheet("Сведения")
    about.set_column(0, 0, 30)
    about.set_column(1, 1, 80)
    for r, (label, value) in enumerate(meta_lines(meta, layout)):
        about.write(r, 0, label, head)
        about.write(r, 1, value, wrap)
    book.close()
    return out.getvalue()


def meta_lines(meta: dict[str, Any], layout: Layout) -> list[tuple[str, str]]:
    return [
        ("Макет", f"{layout.title} ({layout.code})"),
        ("Основание макета", layout.basis),
        ("Цикл", meta["cycle"]),
        ("Орган управления", meta["authority"]),
        ("Сформирован", meta["generated_at"]),
        ("Организаций", str(meta["organizations"])),
        ("Строк", str(meta["rows"])),
        ("Знаков после запятой", str(meta.get("decimals", ""))),
    ]


def write_csv(rows: list[dict], layout: Layout) -> bytes:
    options = layout.definition.get("csv", {})
    out = io.StringIO()
    writer = csv.writer(out, delimiter=options.get("delimiter", ";"), lineterminator="\r\n")
    writer.writerow([c["header"] for c in layout.columns])
    sep = options.get("decimal", ",")
    for row in rows:
        writer.writerow([_text_value(row.get(c["code"]), c, sep) for c in layout.columns])
    return out.getvalue().encode(options.get("encoding", "utf-8-sig"))


def write_xml(rows: list[dict], layout: Layout, meta: dict[str, Any]) -> bytes:
    options = layout.definition.get("xml", {})
    root = ET.Element(
        options.get("root", "package"),
        {
            "layout": layout.code,
            "year": str(meta["year"]),
            "cycle": meta["cycle"],
            "generated": meta["generated_at"],
            "count": str(len(rows)),
        },
    )
    for row in rows:
        item = ET.SubElement(root, options.get("item", "row"))
        for column in layout.columns:
            value = row.get(column["code"])
            if (value is None or value == "") and not column.get("required"):
                continue
            child = ET.SubElement(item, column.get("xml") or column["code"], column.get("xml_attr", {}))
            child.text = _text_value(value, column)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_json(rows: list[dict], layout: Layout, meta: dict[str, Any]) -> bytes:
    data = {
        "layout": layout.code,
        **{k: v for k, v in meta.items() if k != "decimals"},
        "rows": [{c["code"]: _text_value(row.get(c["code"]), c) or None for c in layout.columns} for row in rows],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def base_name(cycle: Cycle, kind: str) -> str:
    code = cycle.territory.code or f"t{cycle.territory_id}"
    return f"busgov-{'rezultaty' if kind == InfoKind.RESULTS else 'plany'}-{cycle.year}-{code}"


def build_package(
    cycle: Cycle, kind: str, layout: Layout, *, progress: Callable[[int], None] | None = None
) -> tuple[bytes, dict[str, Any]]:
    """The package as a ZIP: one file per format of the layout plus manifest.json (sha256 of each file)."""
    rows = rows_for(cycle, kind, layout)
    problems = validate(cycle, kind, layout, rows)
    if progress:
        progress(1)
    meta = {
        "cycle": str(cycle),
        "year": cycle.year,
        "authority": cycle.territory.authority_name or cycle.territory.name,
        "generated_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "organizations": len({r["_org"] for r in rows}),
        "rows": len(rows),
        "decimals": _decimals(cycle, layout),
    }
    writers = {
        "xlsx": lambda: write_xlsx(rows, layout, meta, problems),
        "csv": lambda: write_csv(rows, layout),
        "xml": lambda: write_xml(rows, layout, meta),
        "json": lambda: write_json(rows, layout, meta),
    }
    name = base_name(cycle, kind)
    files: dict[str, bytes] = {}
    for fmt in layout.formats:
        if fmt not in writers:
            raise ValueError(f"Макет {layout.code}: неизвестный формат «{fmt}»")
        files[f"{name}.{fmt}"] = writers[fmt]()
        if progress:
            progress(1)
    manifest = {
        "layout": layout.code,
        "kind": kind,
        **meta,
        "problems": problems,
        "files": {n: hashlib.sha256(b).hexdigest() for n, b in files.items()},
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in files.items():
            archive.writestr(member, content)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return out.getvalue(), {**meta, "problems": problems, "files": list(files)}


def read_member(data: bytes, fmt: str) -> tuple[str, bytes] | None:
    """One file of a package ZIP by its extension (for the download links on the package page)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.endswith(f".{fmt}"):
                return member, archive.read(member)
    return None
