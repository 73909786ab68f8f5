"""DOCX documents from the shipped (or a territory's own) docxtpl templates.

Rows are built once as lists of already formatted strings and handed to the template, which expands its
``{%tr for %}`` rows in one pass, so a table of 2,000 organizations costs the same per row as one of 20.
A document is reproducible: the same data and the same ``generated_at`` give the same bytes (the ZIP
entries carry a fixed date; only the creation date in the text and in docProps/core.xml follow
``generated_at``).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, Listing

from lib.text import ru_plural
from registry.choices import OrgType
from reports import charts
from reports.choices import HeadActionKind, HeadCategory
from reports.data import RATING_CODES, ReportData
from reports.doc_templates.build import HERE as TEMPLATE_DIR
from reports.doc_templates.build import INDICATORS, TEMPLATES
from reports.formatting import MISSING, ru_date, ru_date_long, ru_int, ru_number, ru_percent
from reports.models import ReportTemplate
from scoring.choices import ResultStatus
from scoring.models import CRITERION_CODES, TOTAL_CODE, display_code

FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def organizations_word(n: int) -> str:
    return ru_plural(n, "организации", "организаций", "организаций")


def template_bytes(kind: str, territory) -> bytes:
    """The territory's own template (or its region's), else the shipped one."""
    node = territory
    while node is not None:
        custom = ReportTemplate.objects.filter(territory=node, kind=kind).first()
        if custom is not None and custom.file:
            with custom.file.open("rb") as handle:
                return handle.read()
        node = node.parent
    return (TEMPLATE_DIR / TEMPLATES[kind]).read_bytes()


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a DOCX/XLSX container with fixed entry dates so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def render(
    kind: str,
    territory,
    build_context: Callable[[DocxTemplate], dict[str, Any]],
    *,
    generated_at: datetime.datetime,
    title: str,
    author: str,
    template: bytes | None = None,
) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template if template is not None else template_bytes(kind, territory)))
    tpl.render(build_context(tpl), autoescape=True)
    props = tpl.docx.core_properties
    moment = generated_at.astimezone(datetime.UTC).replace(tzinfo=None, microsecond=0)
    props.title = title[:250]
    props.author = author[:250]
    props.last_modified_by = author[:250]
    props.created = moment
    props.modified = moment
    props.revision = 1
    props.comments = ""
    buffer = io.BytesIO()
    tpl.save(buffer)
    return normalize_zip(buffer.getvalue())


def _image(tpl, png: bytes, width_mm: int = 160):
    return InlineImage(tpl, io.BytesIO(png), width=Mm(width_mm))


def _num(data: ReportData, value) -> str:
    return ru_number(value, data.publish_decimals)


def _status(status: str) -> str:
    return "итоговый" if status == ResultStatus.FINAL else "предварительный"


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


# --- the operator's report ---------------------------------------------------------------------------


def criteria_rows(data: ReportData) -> list[dict[str, str]]:
    """Criteria with their indicators, then the total: mean, N, min and max over the organizations."""
    out = []

    def spread(code: str) -> tuple[str, str]:
        values = [row.values.get(code) for row in data.rows if row.values.get(code) is not None]
        if not values:
            return MISSING, MISSING
        return _num(data, min(values)), _num(data, max(values))

    def line(code: str, label: str) -> dict[str, str]:
        stat = data.overall.get(code, {})
        low, high = spread(code)
        return {
            "code": display_code(code),
            "label": label,
            "mean": _num(data, stat.get("mean")),
            "n": ru_int(stat.get("n")),
            "min": low,
            "max": high,
        }

    for criterion in data.criteria:
        out.append(line(criterion["code"], criterion["label"]))
        for indicator in criterion["weights"]:
            out.append(line(indicator, data.label(indicator)))
    out.append(line(TOTAL_CODE, "Итоговый показатель"))
    return out


def group_rows(data: ReportData, groups: list[dict[str, Any]]) -> list[dict[str, str]]:
    rows = []
    for group in groups:
        means = {code: group["values"].get(code, {}).get("mean") for code in RATING_CODES}
        row = {"label": str(group["label"]), "n": ru_int(group["n"]), "s": _num(data, means[TOTAL_CODE])}
        for index, code in enumerate(CRITERION_CODES, start=1):
            row[f"k{index}"] = _num(data, means[code])
        rows.append(row)
    return rows


def org_rows(data: ReportData) -> list[dict[str, Any]]:
    rows = []
    for number, row in enumerate(data.rows, start=1):
        line = {
            "no": str(number),
            "name": row.name,
            "type": row.type_label,
            "territory": row.territory_name,
            "s": _num(data, row.total),
            "place": ru_int(row.place),
            "status": _status(row.status),
            "plan": _plan_text(row),
        }
        for index, code in enumerate(CRITERION_CODES, start=1):
            line[f"k{index}"] = _num(data, row.values.get(code))
        rows.append(line)
    return rows


def _plan_text(row) -> str:
    plan = row.plan
    if plan is None:
        return "нет"
    if plan.exception:
        return f"исключение: {plan.exception_label}"
    text = plan.status_label
    if plan.items:
        text += f", выполнено {plan.done} из {plan.items}"
    return text


def list_blocks(data: ReportData) -> list[dict[str, Any]]:
    blocks = []
    for block in data.lists:
        entries = []
        for kind, items in (("лидер", block.leaders), ("наихудшие показатели", block.worst)):
            for item in items:
                entries.append(
                    {
                        "kind": kind,
                        "place": f"{item.position} из {item.group_size}",
                        "name": item.row.name,
                        "territory": item.row.territory_name,
                        "value": _num(data, item.value),
                        "head": ", ".join(p for p in (item.row.head_name, item.row.head_position) if p),
                        "actions": "; ".join(_action_text(a) for a in item.actions) or "решения не внесены",
                    }
                )
        blocks.append({"title": block.title, "entries": entries})
    return blocks


def _action_text(action) -> str:
    parts = [str(action.get_kind_display())]
    if action.text:
        parts.append(action.text)
    if action.document:
        parts.append(action.document)
    parts.append(ru_date(action.decided_on))
    return ", ".join(p for p in parts if p)


def operator_context(data: ReportData, tpl) -> dict[str, Any]:
    scope = data.scope
    methodologies = ", ".join(f"{m.title} ({m.code})" for m in data.methodologies.values()) or MISSING
    respondents, target = data.respondents_total, data.target_total
    context: dict[str, Any] = {
        "authority": scope.territory.authority_name or scope.territory.name,
        "territory": scope.territory.name if scope.cycle is None else str(scope.cycle),
        "year": scope.year,
        "generated": ru_date(_local(data.generated_at)),
        "preliminary": data.preliminary,
        "methodology": methodologies,
        "organizations": ru_int(data.organizations),
        "organizations_word": organizations_word(data.organizations),
        "respondents": ru_int(respondents),
        "target": ru_int(target),
        "response_rate": ru_percent(Decimal(respondents) * 100 / target if target else None),
        "operators": [
            {
                "name": f"{o.cycle}: {o.name}" if len(data.operators) > 1 else o.name,
                "basis": str(o.get_basis_display()),
                "contract": " от ".join(p for p in (getattr(o, "contract_number", ""), ru_date(o.contract_date)) if p),
            }
            for o in data.operators
        ],
        "decisions": _decision_lines(data),
        "criteria_rows": criteria_rows(data),
        "territory_rows": group_rows(data, data.by_territory),
        "type_rows": group_rows(data, data.by_type),
        "rule": data.rule.description,
        "lists": list_blocks(data),
        "org_rows": org_rows(data),
        "indicator_rows": [
            {"no": str(n), "name": row.name, "i": [_num(data, row.values.get(code)) for code in INDICATORS]}
            for n, row in enumerate(data.rows, start=1)
        ],
        "sample_rows": [
            {
                "no": str(n),
                "name": row.name,
                "contingent": ru_int(row.contingent),
                "target": ru_int(row.target),
                "respondents": ru_int(row.respondents),
                "rate": ru_number(row.response_rate, 1),
            }
            for n, row in enumerate(data.rows, start=1)
        ],
        "shortcomings_total": ru_int(sum(data.severity_counts.values())),
        "severity_high": ru_int(data.severity_counts.get("high", 0)),
        "severity_medium": ru_int(data.severity_counts.get("medium", 0)),
        "severity_low": ru_int(data.severity_counts.get("low", 0)),
        "shortcomings_by_criterion": [
            {
                "code": c["display"],
                "label": c["label"],
                "count": ru_int(data.shortcomings_by_criterion.get(c["code"], 0)),
            }
            for c in data.criteria
        ],
        "shortcoming_summary": [
            {
                "no": str(n),
                "indicator": s.indicator_code,
                "text": s.text,
                "organizations": ru_int(s.organizations),
                "share": ru_number(s.share, 1),
            }
            for n, s in enumerate(data.shortcoming_summary[:30], start=1)
        ],
        "plans": _plans_context(data),
        "annex": [
            {
                "name": row.name,
                "territory": row.territory_name,
                "total": _num(data, row.total),
                "shortcomings": [
                    {
                        "indicator": s["indicator"],
                        "text": s["text"],
                        "basis": s["legal_basis"],
                        "proposal": s["proposal"],
                    }
                    for s in row.shortcomings
                ],
            }
            for row in data.rows
            if row.shortcomings
        ],
    }
    context.update(_charts(data, tpl))
    return context


def _decision_lines(data: ReportData) -> list[str]:
    """One line per cycle: the council decisions that approved its results and ratings."""
    from council.models import DecisionKind

    by_cycle: dict[int, list] = {}
    for decision in data.decisions:
        if decision.kind in (DecisionKind.APPROVE_RESULTS, DecisionKind.APPROVE_RATINGS):
            by_cycle.setdefault(decision.target_id, []).append(decision)
    lines = []
    for cycle in data.cycles:
        decisions = by_cycle.get(cycle.pk)
        if not decisions:
            continue
        what = ", ".join(sorted({str(d.get_kind_display()) for d in decisions}))
        meetings = sorted({(d.meeting.date, d.meeting.number) for d in decisions})
        when = "; ".join(f"протокол № {number or '—'} от {ru_date(date)}" for date, number in meetings)
        lines.append(f"{cycle}: решением общественного совета ({what}) — {when}.")
    return lines


def _plans_context(data: ReportData) -> dict[str, Any]:
    plans = data.plans
    return {
        "available": plans.available,
        "assessed": ru_int(plans.assessed),
        "approved": ru_int(plans.approved),
        "published": ru_int(plans.published),
        "exceptions": ru_int(plans.exceptions),
        "neither": ru_int(plans.neither),
        "fulfilment": ru_percent(plans.fulfilment) if plans.fulfilment is not None else "нет мероприятий",
    }


def _charts(data: ReportData, tpl) -> dict[str, Any]:
    if not data.rows:
        return {"chart_criteria": "", "chart_territories": "", "chart_types": "", "chart_distribution": ""}
    labels = [display_code(c) for c in CRITERION_CODES] + ["Итог"]
    values = [data.overall.get(code, {}).get("mean") for code in RATING_CODES]
    territories = data.by_territory
    types = data.by_type
    return {
        "chart_criteria": _image(tpl, charts.criteria_chart(labels, values, "Средние значения критериев")),
        "chart_distribution": _image(
            tpl, charts.distribution_chart([r.total for r in data.rows], "Распределение итоговых показателей")
        ),
        "chart_territories": _image(
            tpl,
            charts.groups_chart(
                [str(g["label"]) for g in territories],
                [g["values"].get(TOTAL_CODE, {}).get("mean") for g in territories],
                [g["n"] for g in territories],
            ),
        ),
        "chart_types": _image(
            tpl,
            charts.groups_chart(
                [str(g["label"]) for g in types],
                [g["values"].get(TOTAL_CODE, {}).get("mean") for g in types],
                [g["n"] for g in types],
            ),
            140,
        ),
    }


def operator_report(data: ReportData, *, template: bytes | None = None) -> bytes:
    return render(
        "operator_report",
        data.scope.territory,
        lambda tpl: operator_context(data, tpl),
        generated_at=data.generated_at,
        title=f"Отчёт о результатах независимой оценки: {data.scope.title}",
        author=data.scope.territory.authority_name or "НОКО",
        template=template,
    )


# --- the letter to the ministry -----------------------------------------------------------------------


def _names(entries: list[str], limit: int = 15) -> str:
    if len(entries) <= limit:
        return ", ".join(entries)
    return ", ".join(entries[:limit]) + f" и ещё {len(entries) - limit}"


def letter_context(data: ReportData) -> dict[str, Any]:
    scope = data.scope
    follow_up = data.follow_up
    territory = scope.territory
    by_kind: dict[str, dict[int, str]] = {kind: {} for kind in HeadActionKind.values}
    for action in data.head_actions:
        by_kind[action.kind][action.cycle_organization_id] = action.cycle_organization.organization.short_name
    default_addressee = territory.parent.authority_name if territory.parent_id else ""
    rows = org_rows(data)
    head_rows = []
    for block in list_blocks(data):
        for entry in block["entries"]:
            head_rows.append({**entry, "kind": f"{entry['kind']} ({block['title']})"})

    def count(kind: str) -> tuple[str, str]:
        n = len(by_kind[kind])
        return ru_int(n), ru_plural(n, "организации", "организаций", "организаций")

    reward, reward_word = count(HeadActionKind.REWARD)
    measures, measures_word = count(HeadActionKind.MEASURES)
    attestation_n = len(by_kind[HeadActionKind.ATTESTATION])
    informed_n = len(by_kind[HeadActionKind.INFORMED])
    if not informed_n and follow_up and follow_up.informed_heads_on:
        informed_n = data.organizations  # the date recorded for the whole territory: every head was informed
    informed, informed_word = ru_int(informed_n), organizations_word(informed_n)
    return {
        "authority": territory.authority_name or territory.name,
        "territory": territory.name,
        "year": scope.year,
        "letter_date": ru_date(follow_up.letter_date) if follow_up and follow_up.letter_date else "__________",
        "letter_number": (follow_up.letter_number if follow_up else "") or "_____",
        "addressee": (follow_up.addressee if follow_up else "") or default_addressee,
        "greeting": (follow_up.addressee_greeting if follow_up else "") or "Уважаемые коллеги!",
        "organizations": ru_int(data.organizations),
        "organizations_word": organizations_word(data.organizations),
        "informed_on": ru_date_long(follow_up.informed_heads_on) if follow_up else "",
        "informed_how": follow_up.informed_heads_how if follow_up else "",
        "informed_any": informed_n > 0,
        "informed_count": informed,
        "informed_word": informed_word,
        "site_url": follow_up.published_site_url if follow_up else "",
        "site_on": ru_date_long(follow_up.published_site_on) if follow_up else "",
        "busgov_on": ru_date_long(follow_up.published_busgov_on) if follow_up else "",
        "rule": data.rule.description,
        "reward_count": reward,
        "reward_word": reward_word,
        "reward_names": _names(sorted(by_kind[HeadActionKind.REWARD].values())),
        "measures_count": measures,
        "measures_word": measures_word,
        "measures_names": _names(sorted(by_kind[HeadActionKind.MEASURES].values())),
        "attestation_count": ru_int(attestation_n),
        "attestation_word": ru_plural(attestation_n, "руководитель", "руководителя", "руководителей"),
        "plans": _plans_context(data),
        "plans_assessed_word": organizations_word(data.plans.assessed),
        "media_note": Listing(follow_up.media_note) if follow_up and follow_up.media_note else "сведения не внесены.",
        "free_text": Listing(follow_up.free_text) if follow_up and follow_up.free_text else "",
        "signatory_position": (follow_up.signatory_position if follow_up else "") or "Руководитель",
        "signatory_name": (follow_up.signatory_name if follow_up else "") or "____________",
        "executor": (follow_up.executor if follow_up else "") or "",
        "head_rows": head_rows,
        "org_rows": rows,
    }


def ministry_letter(data: ReportData, *, template: bytes | None = None) -> bytes:
    return render(
        "ministry_letter",
        data.scope.territory,
        lambda tpl: letter_context(data),
        generated_at=data.generated_at,
        title=f"О работе по результатам независимой оценки в {data.scope.year} году",
        author=data.scope.territory.authority_name or "НОКО",
        template=template,
    )


# --- the extract for a head's attestation --------------------------------------------------------------


def attestation_context(card: dict[str, Any]) -> dict[str, Any]:
    entry = card["entry"]
    org = entry.organization
    places = []
    for label, rating in (
        ("по циклу", card["ratings"].get("cycle")),
        (f"среди {OrgType.short_label(org.org_type)}", card["ratings"].get("org_type")),
        ("по муниципалитету", card["ratings"].get("territory")),
    ):
        if rating is not None:
            places.append(f"{rating.position} из {rating.group_size} ({label})")
    follow_up = card.get("follow_up")
    return {
        "authority": card["authority"],
        "organization": org.full_name,
        "inn": org.inn,
        "territory": org.territory.name,
        "head_name": org.head_name or "—",
        "head_position": org.head_position,
        "cycle": str(entry.cycle),
        "methodology": card["methodology_version"] or MISSING,
        "preliminary": card["preliminary"],
        "criteria_rows": [
            {
                "code": item["display"],
                "label": item["label"],
                "value": ru_number(item["value"], card["places"]),
                "mean": ru_number(item["mean"], card["places"]),
            }
            for item in card["criteria"]
        ]
        + [
            {
                "code": "S",
                "label": "Итоговый показатель",
                "value": ru_number(card["total"], card["places"]),
                "mean": ru_number(card["total_mean"], card["places"]),
            }
        ],
        "place_text": "; ".join(places) or MISSING,
        "respondents": ru_int(card["respondents"]),
        "shortcomings": ru_int(len(card["shortcomings"])),
        "plan": card["plan_text"],
        "actions": [_action_text(a) for a in card["actions"]],
        "generated": ru_date(_local(card["generated_at"])),
        "signatory_position": (follow_up.signatory_position if follow_up else "") or "",
        "signatory_name": (follow_up.signatory_name if follow_up else "") or "",
    }


def attestation_extract(card: dict[str, Any], *, template: bytes | None = None) -> bytes:
    entry = card["entry"]
    return render(
        "attestation",
        entry.cycle.territory,
        lambda tpl: attestation_context(card),
        generated_at=card["generated_at"],
        title=f"Выписка о результатах независимой оценки: {entry.organization}",
        author=card["authority"],
        template=template,
    )


HEAD_CATEGORY_LABEL = dict(HeadCategory.choices)
