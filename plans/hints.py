"""Suggested wording of measures per indicator (``data/measure_hints.json``): hints, not rules."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

HINTS_FILE = Path(__file__).parent / "data" / "measure_hints.json"


@cache
def hints() -> dict[str, dict[str, str]]:
    data = json.loads(HINTS_FILE.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def for_indicator(code: str) -> dict[str, str]:
    return hints().get(code, {})
