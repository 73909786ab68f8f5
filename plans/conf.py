"""Settings of the plans app. The plan deadlines are UNCONFIRMED (methodology.md §7, open question 7):
they are defaults here, overridable in Django settings (``NOKO_PLANS``), and stored per cycle as data
(``PlanSchedule``) that the authority edits.
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # the organization submits its draft by this day of the year after the assessment
    "SUBMIT_BY_MONTH": 2,
    "SUBMIT_BY_DAY": 28,
    # the plan is approved by this day of the year after the assessment (Краснодарский край 2026: 30 March)
    "APPROVE_BY_MONTH": 3,
    "APPROVE_BY_DAY": 30,
    # placement on bus.gov.ru: days after approval (belief: "a few working days")
    "PUBLISH_DAYS": 5,
    # the organization reports progress at least every N months
    "REPORT_EVERY_MONTHS": 6,
    # default planned deadline of a measure: the end of the year after the assessment (month, day)
    "DEFAULT_DEADLINE_MONTH": 12,
    "DEFAULT_DEADLINE_DAY": 31,
    # evidence uploads
    "MAX_EVIDENCE_BYTES": 10 * 1024 * 1024,
    "MAX_EVIDENCE_FILES_PER_ITEM": 10,
}


def get(name: str):
    overrides = getattr(settings, "NOKO_PLANS", {}) or {}
    return overrides.get(name, DEFAULTS[name])
