"""Everything a report shows, read once from scoring, cycles, council, surveys and plans.

``collect(user, scope)`` runs a fixed number of queries whatever the size of the region and returns plain
rows that the DOCX, XLSX and PDF writers and the pages format. Nothing here computes a score: values,
places, aggregates and shortcomings come from ``scoring`` (``Result``, ``Rating``, ``Shortcoming`` and the
aggregate helpers of ``scoring.services``).
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from cycles.models import Cycle, CycleOrganization
from lib import score_inputs as K
from registry.choices import OrgType
from reports import plans_bridge
from reports.choices import HeadCategory, ListGroup
from reports.models import FollowUp, HeadAction
from reports.proposals import proposal_for
from reports.scope import ReportScope
from scoring import services as scoring
from scoring.choices import RatingGroup, ResultStatus, Severity
from scoring.models import CRITERION_CODES, TOTAL_CODE, Methodology, Result, ScoreInput, Shortcoming, display_code

RATING_CODES = (*CRITERION_CODES, TOTAL_CODE)
GROUP_FOR_LIST = {
    ListGroup.CYCLE: RatingGroup.CYCLE,
    ListGroup.ORG_TYPE: RatingGroup.ORG_TYPE,
    ListGroup.TERRITORY: RatingGroup.TERRITORY,
}


@dataclass(frozen=True)
class ListRule:
    """Leaders and the worst: the top/bottom N (or a share) of each group."""

    group: str = ListGroup.CYCLE
    top: int = 3
    share: Decimal | None = None

    @classmethod
    def from_follow_up(cls, follow_up: FollowUp | None) -> ListRule:
        if follow_up is None:
            return cls()
        return cls(group=follow_up.list_group, top=follow_up.list_top or 3, share=follow_up.list_share)

    @property
    def description(self) -> str:
        how = {
            ListGroup.CYCLE: "в целом по циклу",
            ListGroup.ORG_TYPE: "по каждому типу организаций",
            ListGroup.TERRITORY: "по каждому муниципалитету",
        }[self.group]
        if self.share:
            return f"{(self.share * 100).normalize():f} % организаций {how}".replace(".", ",")
        return f"{self.top} {_orgs(self.top)} {how}"


def _orgs(n: int) -> str:
    from lib.text import ru_plural

    return ru_plural(n, "организация", "организации", "организаций")


@dataclass
class OrgRow:
    entry_id: int
    cycle_id: int
    organization_id: int
    name: str
    full_name: str
    inn: str
    org_type: str
    type_label: str
    territory_id: int
    territory_name: str
    head_name: str
    head_position: str
    contingent: int
    busgov_id: str
    values: dict[str, Decimal | None] = field(default_factory=dict)
    n: dict[str, int | None] = field(default_factory=dict)
    low_n: set[str] = field(default_factory=set)
    status: str = ResultStatus.PRELIMINARY
    methodology_version: str = ""
    place: int | None = None
    group_size: int | None = None
    place_type: int | None = None
    type_size: int | None = None
    place_territory: int | None = None
    territory_size: int | None = None
    respondents: int | None = None
    target: int | None = None
    shortcomings: list[dict[str, Any]] = field(default_factory=list)
    plan: plans_bridge.PlanInfo | None = None

    @property
    def total(self) -> Decimal | None:
        return self.values.get(TOTAL_CODE)

    @property
    def criteria(self) -> list[Decimal | None]:
        return [self.values.get(code) for code in CRITERION_CODES]

    @property
    def response_rate(self) -> Decimal | None:
        if not self.target or self.respondents is None:
            return None
        return Decimal(self.respondents) * 100 / Decimal(self.target)


@dataclass
class ListEntry:
    row: OrgRow
    position: int
    group_size: int
    value: Decimal
    actions: list[HeadAction] = field(default_factory=list)


@dataclass
class ListBlock:
    title: str
    cycle: Cycle
    group: str
    group_key: str
    leaders: list[ListEntry]
    worst: list[ListEntry]


@dataclass
class ShortcomingSummary:
    criterion_code: str
    indicator_code: str
    text: str
    organizations: int
    share: Decimal | None


@dataclass
class ReportData:
    scope: ReportScope
    generated_at: datetime.datetime
    cycles: list[Cycle]
    methodologies: dict[str, Methodology]
    indicator_codes: list[str]
    criteria: list[dict[str, Any]]
    rows: list[OrgRow]
    overall: dict[str, dict[str, Any]]
    by_territory: list[dict[str, Any]]
    by_type: list[dict[str, Any]]
    lists: list[ListBlock]
    rule: ListRule
    shortcoming_summary: list[ShortcomingSummary]
    shortcomings_by_criterion: dict[str, int]
    severity_counts: dict[str, int]
    plans: plans_bridge.PlansSummary
    head_actions: list[HeadAction]
    decisions: list[Any]
    operators: list[Any]
    follow_up: FollowUp | None
    respondents_total: int = 0
    target_total: int = 0
    publish_decimals: int = 2

    @property
    def preliminary(self) -> bool:
        return any(row.status != ResultStatus.FINAL for row in self.rows)

    @property
    def organizations(self) -> int:
        return len(self.rows)

    @property
    def methodology(self) -> Methodology | None:
        return next(iter(self.methodologies.values()), None)

    def label(self, code: str) -> str:
        methodology = self.methodology
        if code == TOTAL_CODE:
            return "Итоговый показатель"
        return methodology.indicator_label(code) if methodology else code


def _cycle_ids(cycles: list[Cycle]) -> list[int]:
    return [c.pk for c in cycles]


def results_queryset(user, scope: ReportScope, cycles: list[Cycle]) -> QuerySet:
    return scope.filter(Result.objects.visible_to(user), cycle_ids=_cycle_ids(cycles))


def collect(user, scope: ReportScope, *, rule: ListRule | None = None, with_details: bool = True) -> ReportData:
    """Read the report's data for USER (what they may see) within SCOPE."""
    cycles = list(scope.cycles())
    cycle_ids = _cycle_ids(cycles)
    results = results_queryset(user, scope, cycles)
    entry_ids_qs = results.filter(code=TOTAL_CODE).order_by().values("cycle_organization_id")

    rows: dict[int, OrgRow] = {}
    entries = (
        scope.filter(CycleOrganization.objects.all(), path="", cycle_ids=cycle_ids)
        .select_related("organization__territory")
        .only(
            "cycle_id",
            "organization__short_name",
            "organization__full_name",
            "organization__inn",
            "organization__org_type",
            "organization__territory__name",
            "organization__head_name",
            "organization__head_position",
            "organization__contingent",
            "organization__busgov_id",
        )
    )
    for entry in entries:
        org = entry.organization
        rows[entry.pk] = OrgRow(
            entry_id=entry.pk,
            cycle_id=entry.cycle_id,
            organization_id=org.pk,
            name=org.short_name or org.full_name,
            full_name=org.full_name,
            inn=org.inn,
            org_type=org.org_type,
            type_label=OrgType.short_label(org.org_type),
            territory_id=org.territory_id,
            territory_name=org.territory.name,
            head_name=org.head_name,
            head_position=org.head_position,
            contingent=org.contingent,
            busgov_id=org.busgov_id,
        )
    versions: set[str] = set()
    for entry_id, code, value, n, low_n, status, version in results.order_by().values_list(
        "cycle_organization_id", "code", "value", "n", "low_n", "status", "methodology_version"
    ):
        row = rows.get(entry_id)
        if row is None:
            continue
        row.values[code] = value
        row.n[code] = n
        if low_n:
            row.low_n.add(code)
        if code == TOTAL_CODE:
            row.status = status
            row.methodology_version = version
            versions.add(version)

    rows = {entry_id: row for entry_id, row in rows.items() if TOTAL_CODE in row.values}  # visible, computed

    from scoring.models import Rating

    for entry_id, group, position, size in (
        Rating.objects.filter(cycle_id__in=cycle_ids, code=TOTAL_CODE, cycle_organization_id__in=entry_ids_qs)
        .values_list("cycle_organization_id", "group", "position", "group_size")
        .order_by()
    ):
        row = rows.get(entry_id)
        if row is None:
            continue
        if group == RatingGroup.CYCLE:
            row.place, row.group_size = position, size
        elif group == RatingGroup.ORG_TYPE:
            row.place_type, row.type_size = position, size
        elif group == RatingGroup.TERRITORY:
            row.place_territory, row.territory_size = position, size

    cycle_by_id = {c.pk: c for c in cycles}
    _sample(rows, cycle_ids, entry_ids_qs)
    territory_order = {c.pk: (c.territory.parent_id is not None, c.territory.name, c.year) for c in cycles}
    ordered = sorted(
        rows.values(),
        key=lambda r: (territory_order.get(r.cycle_id, (True, "", 0)), r.place is None, r.place or 0, r.name),
    )

    methodologies = {
        m.code: m for m in Methodology.objects.filter(code__in=versions or [c.methodology_version for c in cycles])
    }
    methodology = next(iter(methodologies.values()), None)
    definition = methodology.definition if methodology else {"criteria": [], "indicators": []}
    indicator_codes = [i["code"] for i in definition.get("indicators", [])]
    criteria = [
        {"code": c["code"], "display": display_code(c["code"]), "label": c["label"], "weights": c.get("weights", {})}
        for c in definition.get("criteria", [])
    ]

    overall = scoring.overall(results, codes=[*RATING_CODES, *indicator_codes])
    by_territory = scoring.aggregates(user, results, by="territory", codes=RATING_CODES)
    by_type = scoring.aggregates(user, results, by="org_type", codes=RATING_CODES)
    for group in (*by_territory, *by_type):
        group["criteria_means"] = [group["values"].get(code, {}).get("mean") for code in CRITERION_CODES]
        group["total_mean"] = group["values"].get(TOTAL_CODE, {}).get("mean")

    follow_up = FollowUp.objects.filter(territory=scope.territory, year=scope.year).first()
    rule = rule or ListRule.from_follow_up(follow_up)
    actions = list(
        HeadAction.objects.filter(cycle_organization_id__in=entry_ids_qs)
        .select_related("cycle_organization__organization")
        .order_by("decided_on", "pk")
    )
    actions_by_entry: dict[int, list[HeadAction]] = defaultdict(list)
    for action in actions:
        actions_by_entry[action.cycle_organization_id].append(action)
    lists = _lists(user, cycles, rows, rule, actions_by_entry)

    summary, by_criterion, severity = [], {}, {}
    plans = None
    if with_details:
        plans = plans_bridge.plans_for(rows.keys(), today=timezone.localdate())
        for entry_id, info in (plans or {}).items():
            if entry_id in rows:
                rows[entry_id].plan = info
        summary, by_criterion, severity = _shortcomings(user, scope, cycle_ids, rows, methodology)

    decisions = _decisions(cycles)
    operators = [getattr(c, "operator", None) for c in _with_operators(cycle_ids)]
    return ReportData(
        scope=scope,
        generated_at=timezone.now(),
        cycles=[cycle_by_id[c] for c in cycle_ids],
        methodologies=methodologies,
        indicator_codes=indicator_codes,
        criteria=criteria,
        rows=ordered,
        overall=overall,
        by_territory=by_territory,
        by_type=by_type,
        lists=lists,
        rule=rule,
        shortcoming_summary=summary,
        shortcomings_by_criterion=by_criterion,
        severity_counts=severity,
        plans=plans_bridge.summarize(rows.keys(), plans),
        head_actions=actions,
        decisions=decisions,
        operators=[o for o in operators if o is not None],
        follow_up=follow_up,
        respondents_total=sum(r.respondents or 0 for r in ordered),
        target_total=sum(r.target or 0 for r in ordered),
        publish_decimals=methodology.publish_decimals if methodology else 2,
    )


def _sample(rows: dict[int, OrgRow], cycle_ids: list[int], entry_ids_qs) -> None:
    """Respondents (Чобщ, from the score inputs) and the target sample of each organization."""
    for entry_id, value in (
        ScoreInput.objects.filter(
            cycle_id__in=cycle_ids, key=K.SURVEY_RESPONDENTS, cycle_organization_id__in=entry_ids_qs
        )
        .values_list("cycle_organization_id", "value")
        .order_by()
    ):
        if entry_id in rows:
            rows[entry_id].respondents = int(value)
    campaigns, overrides = {}, {}
    try:
        from surveys.models import Campaign, SurveyLink

        campaigns = {c.cycle_id: c for c in Campaign.objects.filter(cycle_id__in=cycle_ids)}
        overrides = dict(
            SurveyLink.objects.filter(cycle_organization_id__in=entry_ids_qs, target_override__isnull=False)
            .order_by()
            .values_list("cycle_organization_id", "target_override")
        )
        from surveys import conf as survey_conf

        share, cap = survey_conf.target_share(), survey_conf.target_cap()
    except Exception:
        share, cap = Decimal("0.40"), 600
    for row in rows.values():
        if row.entry_id in overrides:
            row.target = overrides[row.entry_id]
        elif row.cycle_id in campaigns:
            row.target = campaigns[row.cycle_id].target_for(row.contingent)
        else:
            row.target = min(cap, math.ceil(share * Decimal(max(0, row.contingent or 0))))


def _lists(user, cycles, rows, rule: ListRule, actions_by_entry) -> list[ListBlock]:
    group = GROUP_FOR_LIST[rule.group]
    blocks: list[ListBlock] = []
    for cycle in cycles:
        by_key: dict[str, list] = defaultdict(list)
        for rating in scoring.rating_rows(user, cycle, code=TOTAL_CODE, group=group):
            if rating.cycle_organization_id in rows:
                by_key[rating.group_key].append(rating)
        for key in sorted(by_key, key=lambda k: _group_title(group, k, rows, by_key[k])):
            ratings = by_key[key]
            leaders, worst = scoring.leaders_and_worst(ratings, top=rule.top, share=rule.share)

            def entry(r):
                return ListEntry(
                    row=rows[r.cycle_organization_id],
                    position=r.position,
                    group_size=r.group_size,
                    value=r.value,
                    actions=actions_by_entry.get(r.cycle_organization_id, []),
                )

            # in a small group the two lists meet: the upper half stays with the leaders, the lower with the worst
            worst_ids = {r.pk for r in worst}
            leaders = [r for r in leaders if r.pk not in worst_ids or r.position * 2 <= r.group_size]
            leader_ids = {r.pk for r in leaders}
            worst = [r for r in worst if r.pk not in leader_ids]
            title = str(cycle)
            if group != RatingGroup.CYCLE:
                title = f"{title}: {_group_title(group, key, rows, ratings)}"
            blocks.append(
                ListBlock(
                    title=title,
                    cycle=cycle,
                    group=group,
                    group_key=key,
                    leaders=[entry(r) for r in leaders],
                    worst=[entry(r) for r in worst],
                )
            )
    return blocks


def _group_title(group: str, key: str, rows, ratings) -> str:
    if group == RatingGroup.ORG_TYPE:
        return OrgType.short_label(key)
    if group == RatingGroup.TERRITORY and ratings:
        return rows[ratings[0].cycle_organization_id].territory_name
    return ""


def _shortcomings(user, scope, cycle_ids, rows, methodology):
    qs = scope.filter(Shortcoming.objects.visible_to(user).active(), cycle_ids=cycle_ids).order_by(
        "cycle_organization_id", "criterion_code", "indicator_code", "item_code"
    )
    measures = plans_bridge.measures_by_shortcoming(rows.keys())
    orgs_by_item: dict[tuple[str, str], set[int]] = defaultdict(set)
    texts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    by_criterion: Counter = Counter()
    severity: Counter = Counter()
    for pk, entry_id, criterion, indicator, item, text, basis, sev in qs.values_list(
        "pk",
        "cycle_organization_id",
        "criterion_code",
        "indicator_code",
        "item_code",
        "text",
        "legal_basis",
        "severity",
    ):
        row = rows.get(entry_id)
        if row is None:
            continue
        row.shortcomings.append(
            {
                "criterion": criterion,
                "indicator": indicator,
                "text": text,
                "legal_basis": basis,
                "severity": sev,
                "proposal": measures.get(pk) or proposal_for(indicator),
                "from_plan": pk in measures,
            }
        )
        key = (indicator, item.split(":", 1)[-1] if item else "")
        orgs_by_item[key].add(entry_id)
        texts[key][text] += 1
        by_criterion[criterion] += 1
        severity[sev] += 1
    assessed = len(rows)
    summary = []
    for (indicator, item), orgs in orgs_by_item.items():
        common = texts[(indicator, item)]
        text = common.most_common(1)[0][0] if len(common) == 1 or item else _indicator_text(methodology, indicator)
        summary.append(
            ShortcomingSummary(
                criterion_code=_criterion_of(methodology, indicator),
                indicator_code=indicator,
                text=text,
                organizations=len(orgs),
                share=Decimal(len(orgs)) * 100 / assessed if assessed else None,
            )
        )
    summary.sort(key=lambda s: (-s.organizations, s.indicator_code, s.text))
    return summary, dict(by_criterion), {s: severity.get(s, 0) for s in Severity.values}


def _indicator_text(methodology, indicator: str) -> str:
    label = methodology.indicator_label(indicator) if methodology else indicator
    return f"Низкое значение показателя {indicator}: {label}"


def _criterion_of(methodology, indicator: str) -> str:
    if methodology is None:
        return ""
    for ind in methodology.definition.get("indicators", []):
        if ind.get("code") == indicator:
            return ind.get("criterion", "")
    return ""


def _decisions(cycles: list[Cycle]) -> list[Any]:
    try:
        from council.models import Decision
    except ImportError:
        return []
    if not cycles:
        return []
    cycle_type = ContentType.objects.get_for_model(Cycle)
    return list(
        Decision.objects.adopted()
        .filter(target_type=cycle_type, target_id__in=[c.pk for c in cycles])
        .select_related("meeting__council")
        .order_by("meeting__date", "pk")
    )


def _with_operators(cycle_ids: list[int]):
    try:
        return list(Cycle.objects.filter(pk__in=cycle_ids).select_related("operator").order_by("pk"))
    except Exception:
        return []


def head_list_entries(data: ReportData, category: str) -> list[ListEntry]:
    """Every leader (or worst) entry of the report's lists, in list order."""
    out: list[ListEntry] = []
    for block in data.lists:
        out.extend(block.leaders if category == HeadCategory.LEADER else block.worst)
    return out
