"""The questionnaire engine: items as data, gates, validation and the bits scoring counts.

Nothing here touches the database. A ``Form`` is built from the rows of one questionnaire
version (``surveys.models.Questionnaire``) or from its bundled JSON definition; views, the
operator's entry form, the XLSX importer and the API all validate answers through
``Form.clean`` so a gate means the same thing on every path.

Skip logic: an item with ``gate`` is asked only when the gate item was answered "yes"
(675н: "Нет → перейти к вопросу N"). Its answer is dropped when the gate is "no" and is an
error when the gate is blank, because the answer could not be counted among those eligible.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lib.score_inputs import SURVEY_ITEM_CODES

YES = "yes"
NO = "no"
YES_NO_CHOICES = ((YES, "Да"), (NO, "Нет"))

KIND_YES_NO = "yes_no"
KIND_CHOICE = "choice"
KIND_TEXT = "text"
KIND_NUMBER = "number"
KINDS = (KIND_YES_NO, KIND_CHOICE, KIND_TEXT, KIND_NUMBER)

DEFINITIONS_DIR = Path(__file__).resolve().parent / "questionnaires"

# bit i of Response.yes_bits / answered_bits stands for SURVEY_ITEM_CODES[i]; the tuple only grows
BIT_OF = {code: index for index, code in enumerate(SURVEY_ITEM_CODES)}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_MAX_DEFAULT = 2000


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    kind: str
    number: str = ""
    ref: str = ""
    section: str = ""
    help: str = ""
    required: bool = False
    gate: str = ""
    feeds: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None

    @property
    def options(self) -> tuple[tuple[str, str], ...]:
        return YES_NO_CHOICES if self.kind == KIND_YES_NO else self.choices

    @property
    def label(self) -> str:
        return f"{self.number}. {self.text}" if self.number else self.text

    @property
    def short_label(self) -> str:
        """A column header: number and the first words of the text."""
        words = self.text.split()
        head = " ".join(words[:7]) + ("…" if len(words) > 7 else "")
        return f"{self.number}. {head}" if self.number else head

    def display(self, value: Any) -> str:
        if value in (None, ""):
            return ""
        for code, label in self.options:
            if code == value:
                return label
        return str(value)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "number": self.number,
            "ref": self.ref,
            "section": self.section,
            "text": self.text,
            "help": self.help,
            "kind": self.kind,
            "required": self.required,
            "gate": self.gate,
            "feeds": self.feeds,
            "choices": [list(c) for c in self.choices],
            "max_length": self.max_length,
            "min_value": self.min_value,
            "max_value": self.max_value,
        }
        return data


class DefinitionError(ValueError):
    """A questionnaire definition contradicts itself (unknown gate, duplicate code, …)."""


@dataclass
class CleanResult:
    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # item code (or "__all__") → message

    @property
    def ok(self) -> bool:
        return not self.errors


def item_from_dict(data: Mapping[str, Any]) -> Item:
    return Item(
        code=str(data["code"]),
        text=str(data["text"]),
        kind=str(data.get("kind") or KIND_YES_NO),
        number=str(data.get("number") or ""),
        ref=str(data.get("ref") or ""),
        section=str(data.get("section") or ""),
        help=str(data.get("help") or ""),
        required=bool(data.get("required", False)),
        gate=str(data.get("gate") or ""),
        feeds=str(data.get("feeds") or ""),
        choices=tuple((str(c), str(label)) for c, label in (data.get("choices") or ())),
        max_length=data.get("max_length"),
        min_value=data.get("min_value"),
        max_value=data.get("max_value"),
    )


class Form:
    """One questionnaire version, ready to show and to validate answers."""

    def __init__(self, code: str, items: Iterable[Item], *, title: str = "", preamble: str = "", thanks: str = ""):
        self.code = code
        self.title = title
        self.preamble = preamble
        self.thanks = thanks
        self.items: list[Item] = list(items)
        self.by_code: dict[str, Item] = {}
        for item in self.items:
            if item.code in self.by_code:
                raise DefinitionError(f"{code}: код вопроса «{item.code}» повторяется")
            if item.kind not in KINDS:
                raise DefinitionError(f"{code}: вопрос «{item.code}» неизвестного вида «{item.kind}»")
            if item.kind == KIND_CHOICE and not item.choices:
                raise DefinitionError(f"{code}: у вопроса «{item.code}» нет вариантов ответа")
            if item.gate:
                gate = self.by_code.get(item.gate)
                if gate is None:
                    raise DefinitionError(
                        f"{code}: вопрос «{item.code}» зависит от «{item.gate}», которого нет выше по анкете"
                    )
                if gate.kind != KIND_YES_NO:
                    raise DefinitionError(f"{code}: фильтрующий вопрос «{item.gate}» должен быть вида «да/нет»")
            self.by_code[item.code] = item
        self.dependents: dict[str, list[Item]] = {}
        for item in self.items:
            if item.gate:
                self.dependents.setdefault(item.gate, []).append(item)
        self.scored_codes = [c for c in SURVEY_ITEM_CODES if c in self.by_code]

    @classmethod
    def from_definition(cls, data: Mapping[str, Any]) -> Form:
        return cls(
            str(data["code"]),
            [item_from_dict(i) for i in data["items"]],
            title=str(data.get("title", "")),
            preamble=str(data.get("preamble", "")),
            thanks=str(data.get("thanks", "")),
        )

    # --- structure ---------------------------------------------------------------------------

    def is_gate(self, code: str) -> bool:
        return code in self.dependents

    def asked(self, item: Item, answers: Mapping[str, Any]) -> bool | None:
        """True when ITEM is asked given ANSWERS, False when skipped, None when its gate is unanswered."""
        if not item.gate:
            return True
        gate_value = answers.get(item.gate)
        gate_asked = self.asked(self.by_code[item.gate], answers)
        if gate_asked is False:
            return False
        if gate_value in (None, ""):
            return None
        return gate_value == YES

    def sections(self) -> list[tuple[str, list[Item]]]:
        """Items grouped by section in order; dependents stay inside their gate's section."""
        result: list[tuple[str, list[Item]]] = []
        for item in self.items:
            if item.gate:
                continue
            if not result or result[-1][0] != item.section:
                result.append((item.section, []))
            result[-1][1].append(item)
        return result

    # --- validation ----------------------------------------------------------------------------

    def clean(self, raw: Mapping[str, Any], *, require: bool = True, lenient_skips: bool = True) -> CleanResult:
        """Validate RAW (form fields or JSON by item code) into answers.

        ``require`` enforces the items marked required (the online form); paper and imported
        questionnaires may have blanks, which count in neither numerator nor denominator.
        ``lenient_skips`` drops an answer given to an item whose gate is "no" (a person without
        JavaScript answered everything); otherwise that is an error (import, API).
        """
        result = CleanResult()
        values: dict[str, Any] = {}
        for item in self.items:
            value, error = self._value(item, raw.get(item.code))
            if error:
                result.errors[item.code] = error
            elif value not in (None, ""):
                values[item.code] = value
        for item in self.items:
            if item.code in result.errors:
                continue
            asked = self.asked(item, values)
            present = item.code in values
            if asked is False:
                if present:
                    if lenient_skips:
                        values.pop(item.code)
                    else:
                        gate = self.by_code[item.gate]
                        result.errors[item.code] = (
                            f"Ответ на вопрос {item.number or item.code} не нужен: "
                            f"на вопрос {gate.number or gate.code} дан ответ «Нет»"
                        )
                continue
            if asked is None:
                if present:
                    gate = self.by_code[item.gate]
                    number, gate_number = item.number or item.code, gate.number or gate.code
                    result.errors[item.code] = f"Ответ на вопрос {number} дан без ответа на вопрос {gate_number}"
                continue
            if require and item.required and not present:
                result.errors[item.code] = "Ответьте, пожалуйста, на этот вопрос"
        if not result.errors:
            result.answers = values
        return result

    def _value(self, item: Item, raw: Any) -> tuple[Any, str]:
        if raw is None:
            return None, ""
        if isinstance(raw, (list, tuple)):
            if len(raw) > 1:
                return None, "Дано несколько ответов на вопрос с одним ответом"
            raw = raw[0] if raw else None
            if raw is None:
                return None, ""
        if item.kind == KIND_NUMBER:
            if isinstance(raw, bool):
                return None, "Ожидается число"
            text = str(raw).strip()
            if text == "":
                return None, ""
            try:
                number = int(float(text.replace(",", "."))) if re.fullmatch(r"\d+([.,]0+)?", text) else int(text)
            except ValueError:
                return None, f"Ожидается целое число, получено «{text[:40]}»"
            if item.min_value is not None and number < item.min_value:
                return None, f"Число должно быть не меньше {item.min_value}"
            if item.max_value is not None and number > item.max_value:
                return None, f"Число должно быть не больше {item.max_value}"
            return number, ""
        text = str(raw)
        if item.kind == KIND_TEXT:
            limit = item.max_length or TEXT_MAX_DEFAULT
            text = _CONTROL.sub("", text).strip()
            if len(text) > limit:
                return None, f"Текст длиннее {limit} знаков ({len(text)})"
            return text, ""
        text = text.strip()
        if text == "":
            return None, ""
        allowed = {code for code, _label in item.options}
        if text not in allowed:
            return None, f"Недопустимый ответ «{text[:40]}»"
        return text, ""

    # --- what scoring counts ---------------------------------------------------------------------

    @staticmethod
    def bits(answers: Mapping[str, Any]) -> tuple[int, int]:
        """(yes_bits, answered_bits) over SURVEY_ITEM_CODES for the scored yes/no items."""
        yes = answered = 0
        for code, index in BIT_OF.items():
            value = answers.get(code)
            if value == YES:
                yes |= 1 << index
                answered |= 1 << index
            elif value == NO:
                answered |= 1 << index
        return yes, answered

    def is_straight_line(self, answers: Mapping[str, Any], min_items: int) -> bool:
        """Every yes/no item answered the same way, over at least MIN_ITEMS items."""
        values = [answers[item.code] for item in self.items if item.kind == KIND_YES_NO and item.code in answers]
        return len(values) >= min_items and len(set(values)) == 1


def load_definition(code: str) -> dict[str, Any]:
    """The bundled JSON definition of a questionnaire version (surveys/questionnaires/<code>.json)."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", code or ""):
        raise DefinitionError(f"Недопустимый код версии анкеты «{code}»")
    path = DEFINITIONS_DIR / f"{code}.json"
    if not path.exists():
        raise DefinitionError(f"Версия анкеты «{code}» не найдена")
    return json.loads(path.read_text(encoding="utf-8"))


def bundled_codes() -> list[str]:
    return sorted(p.stem for p in DEFINITIONS_DIR.glob("*.json"))


def diff(old: Form, new: Form) -> dict[str, list]:
    """What changed between two versions, item by item (matched by code)."""
    added = [item for item in new.items if item.code not in old.by_code]
    removed = [item for item in old.items if item.code not in new.by_code]
    changed = []
    for item in new.items:
        before = old.by_code.get(item.code)
        if before is None:
            continue
        a, b = before.as_dict(), item.as_dict()
        fields = [(key, a[key], b[key]) for key in a if a[key] != b[key]]
        if fields:
            changed.append((item, fields))
    return {"added": added, "removed": removed, "changed": changed}
