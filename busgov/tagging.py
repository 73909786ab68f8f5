"""Topic tagging of citizens' reviews by keyword rules (the rules are data: ``Topic`` rows).

A keyword is the beginning of a word («питан» matches «питание», «питанием»); a keyword with a space is a
phrase whose last word may have any ending. Matching ignores case and treats ё as е. Pure functions: the
caller passes the rules as ``TopicRule`` tuples (from the database or from the shipped JSON).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

TOPICS_FILE = Path(__file__).resolve().parent / "data" / "topics-v1.json"


@dataclass(frozen=True)
class TopicRule:
    code: str
    label: str
    criterion: str
    keywords: tuple[str, ...]


def normalize(text: str) -> str:
    return (text or "").lower().replace("ё", "е")


def _pattern(keywords) -> re.Pattern | None:
    parts = [re.escape(normalize(k).strip()).replace(r"\ ", r"\s+") for k in keywords if k and k.strip()]
    if not parts:
        return None
    return re.compile(r"(?<![0-9a-zа-я])(?:" + "|".join(parts) + ")", re.IGNORECASE)


class Tagger:
    def __init__(self, rules: list[TopicRule], negative_markers: list[str] | None = None) -> None:
        self.rules = [(rule, _pattern(rule.keywords)) for rule in rules]
        self.negative = _pattern(negative_markers or [])

    def topics(self, text: str) -> list[str]:
        body = normalize(text)
        return [rule.code for rule, pattern in self.rules if pattern is not None and pattern.search(body)]

    def criteria(self, topic_codes: list[str]) -> list[str]:
        wanted = set(topic_codes)
        return sorted({rule.criterion for rule, _p in self.rules if rule.code in wanted and rule.criterion})

    def sounds_negative(self, text: str) -> bool:
        return bool(self.negative and self.negative.search(normalize(text)))


def shipped() -> dict:
    return json.loads(TOPICS_FILE.read_text(encoding="utf-8"))


def shipped_rules() -> list[TopicRule]:
    return [TopicRule(t["code"], t["label"], t.get("criterion", ""), tuple(t["keywords"])) for t in shipped()["topics"]]
