"""The shipped template of the activity plan and its expansion into the items of a plan.

The template (``cycles/data/activity_plan_template.json``) follows section II of a municipal НОКО plan.
Deadlines in it are relative: a quarter in each year of the plan's period (``years``: ``each``, ``first``,
``last``) shifted by ``offset`` years, or a kind without a date (постоянно, по мере необходимости,
ежегодно, free text). A plan made from it is ordinary data: every item can be edited, added or cancelled.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from cycles.models import ActivityPlan, ActivityPlanItem, DeadlineKind

TEMPLATE_PATH = Path(__file__).parent / "data" / "activity_plan_template.json"


@cache
def template() -> dict:
    return json.loads(TEMPLATE_PATH.read_text(encoding="utf-8"))


def _years(plan: ActivityPlan, which: str) -> list[int]:
    if which == "first":
        return [plan.year_from]
    if which == "last":
        return [plan.year_to]
    return list(range(plan.year_from, plan.year_to + 1))


def build_items(plan: ActivityPlan) -> list[ActivityPlanItem]:
    """Unsaved items of PLAN from the template, in the template's order."""
    items: list[ActivityPlanItem] = []
    for spec in template()["items"]:
        deadline = spec["deadline"]
        common = {
            "plan": plan,
            "number": spec["number"],
            "title": spec["title"],
            "form": spec.get("form", ""),
            "executors": spec.get("executors", ""),
            "agenda_kind": spec.get("agenda_kind", ""),
            "deadline_text": deadline.get("text", ""),
        }
        if deadline["kind"] == DeadlineKind.QUARTER:
            for year in _years(plan, deadline.get("years", "each")):
                items.append(
                    ActivityPlanItem(
                        **common,
                        deadline_kind=DeadlineKind.QUARTER,
                        deadline_quarter=deadline["quarter"],
                        deadline_year=year + deadline.get("offset", 0),
                    )
                )
        else:
            items.append(ActivityPlanItem(**common, deadline_kind=deadline["kind"]))
    for order, item in enumerate(items, start=1):
        item.order = order
    return items
