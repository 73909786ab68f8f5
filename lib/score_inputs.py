"""The contract between the collecting apps and scoring: named numbers per organization of a cycle.

Scoring reads its inputs only as ``InputValue`` rows (methodology.md: «Scoring reads inputs only
through ScoreInput, so an operator's Excel and the system's own collection are the same path»).
Each collecting app exposes ``<app>.score_inputs.provide(cycle) -> Iterable[InputValue]``;
``scoring`` pulls from every app that has one and stores the rows as ``ScoreInput``. An operator's
XLSX with the same keys goes through the same path.

A module may also offer ``provide_many(cycles) -> Iterable[InputValue]``: the same values for many
cycles at once (a whole region), read with one query per kind of data instead of one per cycle.
Scoring calls it when it computes several cycles together, and falls back to ``provide`` cycle by
cycle when it raises — so a failure stays the warning of the cycle it concerns. It must give exactly
what ``provide`` gives for each cycle (the collecting apps test that).

``detail`` carries what a shortcoming needs: for a count of conditions, the items that are
missing, each ``{"code", "label", "legal_basis"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

# --- collected by sitecheck (official website, приказ Рособрнадзора № 1493) -------------------
SITE_ITEMS_REQUIRED = "site.items_required"  # Инорм-сайт
SITE_ITEMS_PRESENT = "site.items_present"  # Исайт
SITE_REMOTE_CHANNELS = "site.remote_channels"  # Сдист: working remote channels (1.2)
SITE_BVI = "site.bvi_version"  # 1 when the version for the visually impaired works (3.2, item 4)
SITE_HAS_QUESTIONNAIRE = "site.has_questionnaire"  # 1 when the opinion questionnaire or a link is on the site

# --- collected by expertise (stands and on-site visit) ----------------------------------------
STAND_ITEMS_REQUIRED = "stand.items_required"  # Инорм-стенд
STAND_ITEMS_PRESENT = "stand.items_present"  # Истенд
COMFORT_CONDITIONS = "comfort.conditions"  # 2.1: number of comfort conditions present
ACCESS_PREMISES_CONDITIONS = "access.premises_conditions"  # 3.1: conditions of territory and premises
ACCESS_SERVICE_CONDITIONS = "access.service_conditions"  # 3.2 without the BVI site version (5 items)

# --- collected by surveys (questionnaire of 675н, "answered" principle) -----------------------
# Each scored item gives two numbers: f"survey.{code}.yes" and f"survey.{code}.answered";
# gates (used stands, used site, disability, used remote channels) give the same pair.
SURVEY_RESPONDENTS = "survey.respondents"  # Чобщ: accepted questionnaires
SURVEY_ITEM_CODES = (
    "info_stand_used",  # Q1 gate (Чобщ-стенд)
    "info_stand_satisfied",  # Q2 (Устенд)
    "info_site_used",  # Q3 gate (Чобщ-сайт)
    "info_site_satisfied",  # Q4 (Усайт)
    "comfort_satisfied",  # Q6 → 2.3
    "disability",  # Q7 gate (Чинв)
    "accessibility_satisfied",  # Q8 → 3.3
    "first_contact_polite",  # Q9 → 4.1
    "service_staff_polite",  # Q10 → 4.2
    "remote_used",  # Q11 gate (Чдист)
    "remote_polite",  # Q12 → 4.3
    "recommend",  # Q13 → 5.1
    "org_conditions_satisfied",  # Q14 → 5.2
    "overall_satisfied",  # Q15 → 5.3
)


def survey_yes(code: str) -> str:
    return f"survey.{code}.yes"


def survey_answered(code: str) -> str:
    return f"survey.{code}.answered"


ALL_KEYS = (
    SITE_ITEMS_REQUIRED,
    SITE_ITEMS_PRESENT,
    SITE_REMOTE_CHANNELS,
    SITE_BVI,
    SITE_HAS_QUESTIONNAIRE,
    STAND_ITEMS_REQUIRED,
    STAND_ITEMS_PRESENT,
    COMFORT_CONDITIONS,
    ACCESS_PREMISES_CONDITIONS,
    ACCESS_SERVICE_CONDITIONS,
    SURVEY_RESPONDENTS,
    *(key for code in SURVEY_ITEM_CODES for key in (survey_yes(code), survey_answered(code))),
)


NO_DETAIL: Mapping[str, Any] = MappingProxyType({})


class InputValue(NamedTuple):
    """One number for one organization of a cycle, with its origin (a tuple: a region makes ~80,000)."""

    cycle_organization_id: int
    key: str
    value: Decimal
    source: str  # "sitecheck", "expertise", "surveys", "import"
    detail: Mapping[str, Any] = NO_DETAIL
