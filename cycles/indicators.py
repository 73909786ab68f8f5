"""Target indicators of НОКО for a territory and year (table I of the municipal plan), computed from data.

1. Organizations assessed: the territory's head organizations (not branches, not liquidated) that are on
   an included entry of any cycle of the year (the region's cycle of colleges counts for the municipality
   where the college is), of all such organizations.
2. Organizations whose official site offers the opinion questionnaire or a link to it: from the site
   checker's findings (``cycles.hooks.site_questionnaire_presence``); "нет данных" until it has any.
3. Council meetings on НОКО: planned vs held (``council``).

Planned values are data (``TargetIndicatorPlan``); without one, the plan for meetings is the number of
meetings scheduled in the council's calendar.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from cycles import hooks
from cycles.models import CycleOrganization, TargetCode, TargetIndicatorPlan
from registry.choices import OrgStatus
from registry.models import Organization, Territory

NO_DATA = "нет данных"


@dataclass
class IndicatorRow:
    code: str
    label: str
    with_share: bool
    planned_count: int | None = None
    planned_share: Decimal | None = None
    fact_count: int | None = None
    fact_share: Decimal | None = None
    denominator: int | None = None
    note: str = ""
    year: int = 0

    @property
    def has_data(self) -> bool:
        return self.fact_count is not None

    @property
    def achieved(self) -> bool | None:
        if self.fact_count is None:
            return None
        if self.with_share and self.planned_share is not None and self.fact_share is not None:
            return self.fact_share >= self.planned_share
        if self.planned_count is not None:
            return self.fact_count >= self.planned_count
        return None


def share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def assessable_organizations(territory: Territory):
    return Organization.objects.filter(territory_id__in=territory.subtree_ids(), parent__isnull=True).exclude(
        status=OrgStatus.LIQUIDATED
    )


def target_indicators(territory: Territory, year: int) -> list[IndicatorRow]:
    plans = {p.code: p for p in TargetIndicatorPlan.objects.filter(territory=territory, year=year)}
    org_ids = list(assessable_organizations(territory).values_list("pk", flat=True))
    total = len(org_ids)
    rows: list[IndicatorRow] = []

    assessed = (
        CycleOrganization.objects.included()
        .filter(cycle__year=year, organization_id__in=org_ids)
        .values("organization_id")
        .distinct()
        .count()
    )
    row = IndicatorRow(TargetCode.ASSESSED, str(TargetCode.ASSESSED.label), True, denominator=total)
    row.fact_count, row.fact_share = assessed, share(assessed, total)
    rows.append(row)

    row = IndicatorRow(TargetCode.SITE_QUESTIONNAIRE, str(TargetCode.SITE_QUESTIONNAIRE.label), True, denominator=total)
    presence = hooks.site_questionnaire_presence(org_ids, year)
    if presence is None:
        row.note = NO_DATA
    else:
        checked = sum(1 for oid in org_ids if oid in presence)
        row.fact_count = sum(1 for oid in org_ids if presence.get(oid))
        row.fact_share = share(row.fact_count, total)
        if checked < total:
            row.note = f"проверено сайтов: {checked} из {total}"
    rows.append(row)

    row = IndicatorRow(TargetCode.COUNCIL_MEETINGS, str(TargetCode.COUNCIL_MEETINGS.label), False)
    counts = hooks.council_meeting_counts(territory, year)
    if counts is None:
        row.note = NO_DATA
    else:
        scheduled, held = counts
        row.fact_count = held
        row.planned_count = scheduled
        row.note = f"в календаре совета: {scheduled}"
    rows.append(row)

    for row in rows:
        row.year = year
        plan = plans.get(row.code)
        if plan is not None:
            if plan.planned_count is not None:
                row.planned_count = plan.planned_count
            row.planned_share = plan.planned_share
    return rows


def indicators_by_year(territory: Territory, years: list[int]) -> dict[int, list[IndicatorRow]]:
    return {year: target_indicators(territory, year) for year in years}


def export_xlsx(territory: Territory, years: list[int]) -> bytes:
    """Table I: one row per indicator, for each year plan and fact (count and share)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    data = indicators_by_year(territory, years)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Целевые показатели"
    sheet.append([f"Целевые показатели функционирования независимой оценки качества: {territory.name}"])
    sheet["A1"].font = Font(bold=True, size=12)
    header1 = ["№", "Целевой показатель"]
    header2 = ["", ""]
    for year in years:
        header1 += [str(year), "", "", "", ""]
        header2 += ["план, кол-во", "план, %", "факт, кол-во", "факт, %", "примечание"]
    sheet.append(header1)
    sheet.append(header2)
    fill = PatternFill("solid", fgColor="EEF2F7")
    for row_cells in sheet.iter_rows(min_row=2, max_row=3):
        for cell in row_cells:
            cell.font = Font(bold=True)
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index in range(len(years)):
        col = 3 + index * 5
        sheet.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 4)
    codes = [r.code for r in data[years[0]]] if years else []
    for number, code in enumerate(codes, start=1):
        first = next(r for r in data[years[0]] if r.code == code)
        line: list[object] = [number, first.label]
        for year in years:
            row = next(r for r in data[year] if r.code == code)
            line += [
                row.planned_count,
                float(row.planned_share) if row.planned_share is not None else None,
                row.fact_count if row.fact_count is not None else NO_DATA,
                float(row.fact_share) if row.fact_share is not None else None,
                row.note,
            ]
        sheet.append(line)
    sheet.column_dimensions["B"].width = 70
    for row_cells in sheet.iter_rows(min_row=4):
        row_cells[1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
