"""One organization's results in plain words: the page and one-page PDF for parents, the founder's annex,
the extract for the head's attestation. Read-only over scoring, plans and the authority's head decisions.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from lib import score_inputs as K
from reports import plans_bridge
from reports.models import FollowUp, HeadAction
from scoring import services as scoring
from scoring.choices import RatingGroup, ResultStatus
from scoring.models import (
    CRITERION_CODES,
    TOTAL_CODE,
    Methodology,
    Rating,
    Result,
    ScoreInput,
    Shortcoming,
    display_code,
)

# "What is good": criteria and indicators at or above this many points (presentation only; no official scale).
GOOD_FROM = Decimal(getattr(settings, "REPORTS_GOOD_FROM", "90"))


def organization_card(
    entry,
    *,
    results: QuerySet,
    public: bool = False,
    with_actions: bool = False,
    with_means: bool = True,
) -> dict[str, Any] | None:
    """The card of ENTRY (a CycleOrganization) from RESULTS (already restricted: visible or published)."""
    rows = list(results.filter(cycle_organization=entry).order_by("code"))
    if not rows:
        return None
    by_code = {r.code: r for r in rows}
    total = by_code.get(TOTAL_CODE)
    version = total.methodology_version if total else rows[0].methodology_version
    methodology = Methodology.objects.filter(code=version).first()
    definition = methodology.definition if methodology else {"criteria": []}
    places = methodology.publish_decimals if methodology else 2
    org = entry.organization

    means = _territory_means(entry, public) if with_means else {}

    criteria = []
    for criterion in definition.get("criteria", []):
        code = criterion["code"]
        result = by_code.get(code)
        criteria.append(
            {
                "code": code,
                "display": display_code(code),
                "label": criterion["label"],
                "value": result.value if result else None,
                "mean": means.get(code),
                "indicators": [
                    {
                        "code": ind,
                        "label": methodology.indicator_label(ind),
                        "weight": Decimal(str(weight)),
                        "value": by_code[ind].value if ind in by_code else None,
                        "n": by_code[ind].n if ind in by_code else None,
                        "low_n": by_code[ind].low_n if ind in by_code else False,
                    }
                    for ind, weight in criterion.get("weights", {}).items()
                ],
            }
        )
    rating_qs = Rating.objects.filter(cycle_organization=entry, code=TOTAL_CODE)
    if public:
        rating_qs = rating_qs.filter(status=ResultStatus.FINAL)
    ratings = {r.group: r for r in rating_qs}
    shortcomings = list(
        Shortcoming.objects.filter(cycle_organization=entry)
        .active()
        .order_by("criterion_code", "indicator_code", "item_code")
    )
    respondents = (
        ScoreInput.objects.filter(cycle_organization=entry, key=K.SURVEY_RESPONDENTS)
        .values_list("value", flat=True)
        .first()
    )
    plans = plans_bridge.plans_for([entry.pk], published_only=public, today=timezone.localdate())
    plan = (plans or {}).get(entry.pk)
    items = plans_bridge.plan_items(entry.pk, published_only=public) if plan else []
    good = [c for c in criteria if c["value"] is not None and c["value"] >= GOOD_FROM]
    scored = [c for c in criteria if c["value"] is not None]
    best = max(scored, key=lambda c: c["value"]) if scored else None
    fixing = [i for i in (items or []) if i.status != "done"][:8]
    follow_up = FollowUp.objects.filter(territory=entry.cycle.territory, year=entry.cycle.year).first()
    return {
        "entry": entry,
        "organization": org,
        "cycle": entry.cycle,
        "authority": entry.cycle.territory.authority_name or entry.cycle.territory.name,
        "methodology": methodology,
        "methodology_version": version,
        "places": places,
        "total": total.value if total else None,
        "total_mean": means.get(TOTAL_CODE),
        "preliminary": any(r.status != ResultStatus.FINAL for r in rows),
        "criteria": criteria,
        "ratings": {
            "cycle": ratings.get(RatingGroup.CYCLE),
            "org_type": ratings.get(RatingGroup.ORG_TYPE),
            "territory": ratings.get(RatingGroup.TERRITORY),
        },
        "respondents": int(respondents) if respondents is not None else None,
        "shortcomings": shortcomings,
        "plans_available": plans is not None,
        "plan": plan,
        "plan_items": items or [],
        "plan_text": _plan_text(plans, plan, public),
        "good": good,
        "best": best,
        "fixing": fixing,
        "level": methodology.level_for(total.value) if methodology and total else "",
        "actions": list(HeadAction.objects.filter(cycle_organization=entry)) if with_actions else [],
        "follow_up": follow_up,
        "generated_at": timezone.now(),
        "codes": [display_code(c) for c in CRITERION_CODES],
    }


def _territory_means(entry, public: bool) -> dict[str, Any]:
    """Means of the organization's municipality in its cycle (scoring.overall), cached by a fingerprint of the
    cycle's totals so that a recomputation or a finalisation gives a new cache key."""
    cycle = entry.cycle
    base = Result.objects.published() if public else Result.objects.all()
    fingerprint = (
        Result.objects.filter(cycle=cycle, code=TOTAL_CODE)
        .order_by()
        .aggregate(
            n=Count("value"), total=Sum("value"), latest=Max("computed_at"), final=Count("id", filter=Q(status="final"))
        )
    )
    key = (
        "reports:means:"
        + hashlib.sha256(
            f"{cycle.pk}|{cycle.phase}|{entry.organization.territory_id}|{public}|{sorted(fingerprint.items())}".encode()
        ).hexdigest()
    )
    means = cache.get(key)
    if means is None:
        peers = base.filter(cycle=cycle, cycle_organization__organization__territory_id=entry.organization.territory_id)
        means = {code: stat["mean"] for code, stat in scoring.overall(peers).items()}
        cache.set(key, means, 3600)
    return means


def _plan_text(plans, plan, public: bool = False) -> str:
    if plans is None:
        return "сведения отсутствуют"
    if plan is None:
        return "не опубликован" if public else "не составлен"
    if plan.exception:
        return f"не составляется: {plan.exception_label}"
    text = plan.status_label
    if plan.items:
        text += f"; выполнено мероприятий {plan.done} из {plan.items}"
    return text
