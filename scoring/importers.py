"""Reading an operator's files into score inputs (no database writes here).

Three kinds of file, recognised by their columns; organizations are always matched by identifier
(ИНН or the registry id), never by row order:

* **inputs** — one row per organization, one column per key of ``lib.score_inputs`` (the header is the key
  or «any text [key]»), optional ``<key>.missing`` columns listing failed items («code; code» or labels);
* **checklist** — one row per organization, one 1/0 column per checklist item, the header
  «Группа: текст [group:code]» with group stand, site, remote, comfort, premises, service; a blank mark
  means «не применяется» for stand/site items;
* **answers** — one row per questionnaire (675н form without item 5): the 14 yes/no items by code or by
  question number; counts «Да» and answers per item, applying gates (an answer after «Нет» on its gate
  is dropped with a warning; after a blank gate it is an error).

Every problem names file, row, column and value. Errors block the whole import; warnings are listed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import Any

from lib import score_inputs as K
from lib.tables import TableError, column_letter
from lib.text import clean_cell, ru_plural

MAX_LISTED = 50  # problems listed one by one; the rest are counted

ID_HEADERS = {
    "инн": "inn",
    "inn": "inn",
    "id": "id",
    "id в реестре": "id",
    "идентификатор": "id",
    "идентификатор в реестре": "id",
    "id организации": "id",
    "registry_id": "id",
}
NAME_HEADERS = {"наименование", "организация", "наименование организации", "name"}

# 675н question numbers of the education form (item 5 is not used in education)
QUESTION_NUMBERS = {
    "1": "info_stand_used",
    "2": "info_stand_satisfied",
    "3": "info_site_used",
    "4": "info_site_satisfied",
    "6": "comfort_satisfied",
    "7": "disability",
    "8": "accessibility_satisfied",
    "9": "first_contact_polite",
    "10": "service_staff_polite",
    "11": "remote_used",
    "12": "remote_polite",
    "13": "recommend",
    "14": "org_conditions_satisfied",
    "15": "overall_satisfied",
}
GATES = {
    "info_stand_satisfied": "info_stand_used",
    "info_site_satisfied": "info_site_used",
    "accessibility_satisfied": "disability",
    "remote_polite": "remote_used",
}
QUESTION_TEXTS = {
    "info_stand_used": "Обращались ли Вы к информации на информационных стендах?",
    "info_stand_satisfied": "Удовлетворены ли Вы информацией на стендах?",
    "info_site_used": "Пользовались ли Вы официальным сайтом организации?",
    "info_site_satisfied": "Удовлетворены ли Вы информацией на официальном сайте?",
    "comfort_satisfied": "Удовлетворены ли Вы комфортностью условий?",
    "disability": "Имеете ли Вы (или лицо, которое Вы представляете) группу инвалидности?",
    "accessibility_satisfied": "Удовлетворены ли Вы доступностью услуг для инвалидов?",
    "first_contact_polite": "Вежливость работников, обеспечивающих первичный контакт",
    "service_staff_polite": "Вежливость работников, оказывающих услугу",
    "remote_used": "Пользовались ли Вы дистанционными способами взаимодействия?",
    "remote_polite": "Вежливость работников при дистанционном взаимодействии",
    "recommend": "Готовы ли Вы рекомендовать организацию?",
    "org_conditions_satisfied": "Удовлетворены ли Вы организационными условиями?",
    "overall_satisfied": "Удовлетворены ли Вы в целом условиями?",
}
_NUMBER_OF = {code: number for number, code in QUESTION_NUMBERS.items()}

# declared answer codes; anything else is an error naming the cell
YES_WORDS = {"Да": 1, "да": 1, "ДА": 1}
NO_WORDS = {"Нет": 0, "нет": 0, "НЕТ": 0}
ANSWER_CODES: dict[Any, int] = {**YES_WORDS, **NO_WORDS}

# checklist groups → (required key, present key) or the count key they feed
CHECKLIST_GROUPS = {
    "stand": ("Стенд", K.STAND_ITEMS_REQUIRED, K.STAND_ITEMS_PRESENT, "1.1"),
    "site": ("Сайт", K.SITE_ITEMS_REQUIRED, K.SITE_ITEMS_PRESENT, "1.1"),
    "remote": ("Дистанционный способ", "", K.SITE_REMOTE_CHANNELS, "1.2"),
    "comfort": ("Комфортность", "", K.COMFORT_CONDITIONS, "2.1"),
    "premises": ("Доступность территории и помещений", "", K.ACCESS_PREMISES_CONDITIONS, "3.1"),
    "service": ("Условия доступности услуг", "", K.ACCESS_SERVICE_CONDITIONS, "3.2"),
}
# the BVI site version is a 3.2 condition checked on the site: its column feeds site.bvi_version
BVI_ITEM = "bvi_site_version"
GROUP_ALIASES = {
    "stand": "stand",
    "стенд": "stand",
    "site": "site",
    "сайт": "site",
    "remote": "remote",
    "comfort": "comfort",
    "premises": "premises",
    "service": "service",
}
# default item lists for the checklist template (regions replace them; the stand list is UNCONFIRMED)
DEFAULT_STAND_ITEMS = [
    ("name", "полное и сокращённое наименование организации"),
    ("founder", "сведения об учредителе"),
    ("address", "место нахождения организации"),
    ("schedule", "режим и график работы, контактные телефоны и адреса электронной почты"),
    ("structure", "структура и органы управления"),
    ("programmes", "реализуемые образовательные программы"),
    ("managers", "руководитель и его заместители"),
    ("license", "лицензия на осуществление образовательной деятельности (выписка из реестра лицензий)"),
    ("paid", "порядок оказания платных образовательных услуг"),
    ("admission", "правила приёма обучающихся"),
]
DEFAULT_SITE_ITEMS = [
    ("common", "подраздел «Основные сведения»"),
    ("struct", "подраздел «Структура и органы управления образовательной организацией»"),
    ("document", "подраздел «Документы»"),
    ("education", "подраздел «Образование»"),
    ("eduStandarts", "подраздел «Образовательные стандарты и требования»"),
    ("managers", "подраздел «Руководство»"),
    ("employees", "подраздел «Педагогический состав»"),
    ("objects", "подраздел «Материально-техническое обеспечение и оснащённость образовательного процесса»"),
    ("grants", "подраздел «Стипендии и меры поддержки обучающихся»"),
    ("paid_edu", "подраздел «Платные образовательные услуги»"),
    ("budget", "подраздел «Финансово-хозяйственная деятельность»"),
    ("vacant", "подраздел «Вакантные места для приёма (перевода) обучающихся»"),
    ("inter", "подраздел «Международное сотрудничество»"),
    ("catering", "подраздел «Организация питания в образовательной организации»"),
]
SITE_LEGAL_BASIS = (
    "ст. 29 Федерального закона № 273-ФЗ; ПП РФ от 20.10.2021 № 1802; приказ Рособрнадзора от 04.08.2023 № 1493"
)
STAND_LEGAL_BASIS = (
    "ст. 29 Федерального закона № 273-ФЗ; методические рекомендации Минпросвещения к Единому порядку 344н"
)

_BRACKET = re.compile(r"\[([^\[\]]+)\]\s*$")
_NUMBER_PREFIX = re.compile(r"^(?:вопрос\s*)?(\d{1,2})(?:[.)\s]|$)", re.IGNORECASE)


@dataclass
class Problems:
    """Errors or warnings: the first MAX_LISTED verbatim, the rest counted."""

    items: list[str] = field(default_factory=list)
    total: int = 0

    def add(self, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_LISTED:
            self.items.append(message)

    def __bool__(self) -> bool:
        return self.total > 0

    def lines(self) -> list[str]:
        extra = self.total - len(self.items)
        return self.items + ([f"… и ещё {extra}"] if extra > 0 else [])


@dataclass
class ParsedFile:
    filename: str
    kind: str  # inputs / checklist / answers
    rows: int = 0
    values: dict[int, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    details: dict[int, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    organizations: set[int] = field(default_factory=set)  # cycle organization ids present in the file
    errors: Problems = field(default_factory=Problems)
    warnings: Problems = field(default_factory=Problems)

    @property
    def kind_label(self) -> str:
        return {"inputs": "таблица исходных значений", "checklist": "чек-лист", "answers": "ответы анкет"}[self.kind]


class OrganizationMatcher:
    """Finds the organization of the cycle a row belongs to, by ИНН or registry id."""

    def __init__(self, entries: Iterable[tuple[int, int, str, str]], known_inns: dict[str, str] | None = None):
        # entries: (cycle organization id, organization id, inn, name)
        self.by_inn: dict[str, int] = {}
        self.by_id: dict[str, int] = {}
        self.names: dict[int, str] = {}
        for entry_id, org_id, inn, name in entries:
            self.by_inn[inn] = entry_id
            self.by_id[str(org_id)] = entry_id
            self.names[entry_id] = name
        self.known_inns = known_inns or {}  # inn → name of organizations in the registry (not in the cycle)
        self._cache: dict[tuple[Any, Any], int | str] = {}

    @staticmethod
    def normalize_inn(value: Any) -> str:
        text = clean_cell(value).replace(" ", "")
        if text.isdigit() and len(text) in (9, 11):  # Excel dropped a leading zero
            text = text.zfill(len(text) + 1)
        return text

    def match(self, inn_cell: Any, id_cell: Any) -> int | str:
        """The cycle organization id, or a Russian message saying why none matched."""
        key = (inn_cell, id_cell)
        found = self._cache.get(key)
        if found is not None:
            return found
        found = self._match(inn_cell, id_cell)
        self._cache[key] = found
        return found

    def _match(self, inn_cell: Any, id_cell: Any) -> int | str:
        inn = self.normalize_inn(inn_cell) if inn_cell not in (None, "") else ""
        org_id = clean_cell(id_cell)
        by_inn = self.by_inn.get(inn) if inn else None
        by_id = self.by_id.get(org_id) if org_id else None
        if inn and org_id and by_inn != by_id:
            return f"ИНН {inn} и идентификатор {org_id} указывают на разные организации"
        if by_inn is not None or by_id is not None:
            return by_inn if by_inn is not None else by_id
        if not inn and not org_id:
            return "не указан ни ИНН, ни идентификатор организации"
        if inn and inn in self.known_inns:
            return f"организация с ИНН {inn} («{self.known_inns[inn]}») не входит в этот цикл оценки"
        if inn:
            return f"организация с ИНН {inn} не найдена в списке цикла"
        return f"организация с идентификатором {org_id} не найдена в списке цикла"


def header_key(header: str) -> str:
    """«Любой текст [key]» → key; otherwise the header itself."""
    match = _BRACKET.search(header or "")
    return match.group(1).strip() if match else (header or "").strip()


def header_text(header: str) -> str:
    return _BRACKET.sub("", header or "").strip()


def _id_columns(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        role = ID_HEADERS.get(header_key(header).lower()) or ID_HEADERS.get(header.strip().lower())
        if role and role not in found:
            found[role] = index
    return found


def survey_column(header: str) -> str | None:
    key = header_key(header)
    if key in _NUMBER_OF:
        return key
    if key.startswith("survey.") and key.count(".") == 1 and key.split(".")[1] in _NUMBER_OF:
        return key.split(".")[1]
    match = _NUMBER_PREFIX.match(header.strip())
    if match and match.group(1) in QUESTION_NUMBERS:
        return QUESTION_NUMBERS[match.group(1)]
    return None


def detect_kind(headers: list[str]) -> str | None:
    keys = [header_key(h) for h in headers]
    if any(k in K.ALL_KEYS or k.endswith(".missing") for k in keys):
        return "inputs"
    if any(":" in k and GROUP_ALIASES.get(k.split(":", 1)[0].strip().lower()) for k in keys):
        return "checklist"
    if sum(1 for h in headers if survey_column(h)) >= 5:
        return "answers"
    return None


def _cell_ref(row: int, column: int, header: str) -> str:
    return f"строка {row}, столбец {column_letter(column)} «{header_text(header) or header}»"


def parse_number(value: Any) -> Decimal | None:
    """A cell as a Decimal; None when blank; raises ValueError when it is not a number."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise ValueError("логическое значение вместо числа")
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("не число") from exc
    if not number.is_finite():
        raise ValueError("не число")
    return number


# --- rows ---------------------------------------------------------------------------------------------


def _organization_of(parsed: ParsedFile, matcher, ids: dict[str, int], number: int, cells: list[Any]):
    inn_cell = cells[ids["inn"]] if "inn" in ids and ids["inn"] < len(cells) else None
    id_cell = cells[ids["id"]] if "id" in ids and ids["id"] < len(cells) else None
    found = matcher.match(inn_cell, id_cell)
    if isinstance(found, str):
        parsed.errors.add(f"{parsed.filename}: строка {number}: {found}")
        return None
    return found


def parse_inputs(
    filename: str, headers: list[str], rows: Iterable[tuple[int, list[Any]]], matcher, items_by_key: dict
) -> ParsedFile:
    parsed = ParsedFile(filename, "inputs")
    ids = _id_columns(headers)
    if not ids:
        parsed.errors.add(
            f"{filename}: нет столбца «ИНН» или «ID в реестре» — организации сопоставляются только по ним"
        )
        return parsed
    value_columns: list[tuple[int, str]] = []
    missing_columns: list[tuple[int, str]] = []
    for index, header in enumerate(headers):
        if index in ids.values() or not header:
            continue
        key = header_key(header)
        if key in K.ALL_KEYS:
            value_columns.append((index, key))
        elif key.endswith(".missing") and key[: -len(".missing")] in K.ALL_KEYS:
            missing_columns.append((index, key[: -len(".missing")]))
        elif header.strip().lower() not in NAME_HEADERS:
            parsed.warnings.add(f"{filename}: столбец {column_letter(index)} «{header}» не распознан и не загружается")
    if not value_columns:
        parsed.errors.add(
            f"{filename}: нет ни одного столбца с ключом исходных данных (например «{K.SURVEY_RESPONDENTS}»)"
        )
        return parsed
    seen_rows: dict[int, int] = {}
    for number, cells in skip_blank(rows):
        parsed.rows += 1
        entry = _organization_of(parsed, matcher, ids, number, cells)
        if entry is None:
            continue
        if entry in seen_rows:
            parsed.errors.add(
                f"{filename}: строка {number}: организация «{matcher.names[entry]}» "
                f"уже указана в строке {seen_rows[entry]}"
            )
            continue
        seen_rows[entry] = number
        parsed.organizations.add(entry)
        for index, key in value_columns:
            cell = cells[index] if index < len(cells) else None
            try:
                value = parse_number(cell)
            except ValueError as exc:
                parsed.errors.add(f"{filename}: {_cell_ref(number, index, headers[index])}: «{cell}» — {exc}")
                continue
            if value is None:
                continue
            if value < 0 or value != value.to_integral_value():
                parsed.errors.add(
                    f"{filename}: {_cell_ref(number, index, headers[index])}: «{cell}» — ожидается целое число ≥ 0"
                )
                continue
            parsed.values[entry][key] = value
        for index, key in missing_columns:
            cell = clean_cell(cells[index] if index < len(cells) else None)
            if cell:
                parsed.details[entry][key] = {"missing": _missing_items(cell, items_by_key.get(key, {}))}
    _check_consistency(parsed, matcher)
    return parsed


def _missing_items(cell: str, known: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    labels = {item["label"].lower(): item for item in known.values()}
    result = []
    for number, part in enumerate(p.strip() for p in re.split(r"[;\n]", cell)):
        if not part:
            continue
        item = known.get(part) or labels.get(part.lower())
        if item:
            result.append(dict(item))
        else:
            result.append({"code": f"item{number + 1}", "label": part, "legal_basis": ""})
    return result


def _check_consistency(parsed: ParsedFile, matcher) -> None:
    """Numbers that cannot be true together: errors; doubtful ones: warnings."""
    pairs = [(K.STAND_ITEMS_PRESENT, K.STAND_ITEMS_REQUIRED), (K.SITE_ITEMS_PRESENT, K.SITE_ITEMS_REQUIRED)]
    pairs += [(K.survey_yes(c), K.survey_answered(c)) for c in K.SURVEY_ITEM_CODES]
    for entry, values in parsed.values.items():
        name = matcher.names.get(entry, entry)
        for low, high in pairs:
            if low in values and high in values and values[low] > values[high]:
                parsed.errors.add(
                    f"{parsed.filename}: «{name}»: {low} = {values[low]} больше, чем {high} = {values[high]}"
                )
        respondents = values.get(K.SURVEY_RESPONDENTS)
        for code in K.SURVEY_ITEM_CODES:
            answered = values.get(K.survey_answered(code))
            if respondents is not None and answered is not None and answered > respondents:
                parsed.errors.add(
                    f"{parsed.filename}: «{name}»: ответивших на вопрос {code} ({answered}) "
                    f"больше, чем анкет ({respondents})"
                )
        for item, gate in GATES.items():
            answered = values.get(K.survey_answered(item))
            gate_yes = values.get(K.survey_yes(gate))
            if answered is not None and gate_yes is not None and answered > gate_yes:
                parsed.warnings.add(
                    f"{parsed.filename}: «{name}»: на вопрос {item} ответили {answered}, а «Да» на вопрос-фильтр "
                    f"{gate} — только {gate_yes}: нарушен переход анкеты"
                )


def parse_checklist(
    filename: str, headers: list[str], rows: Iterable[tuple[int, list[Any]]], matcher, items_by_group: dict
) -> ParsedFile:
    parsed = ParsedFile(filename, "checklist")
    ids = _id_columns(headers)
    if not ids:
        parsed.errors.add(
            f"{filename}: нет столбца «ИНН» или «ID в реестре» — организации сопоставляются только по ним"
        )
        return parsed
    columns: list[tuple[int, str, str, str]] = []  # (index, group, item code, label)
    for index, header in enumerate(headers):
        if index in ids.values() or not header:
            continue
        key = header_key(header)
        group = GROUP_ALIASES.get(key.split(":", 1)[0].strip().lower()) if ":" in key else None
        if group is None:
            if header.strip().lower() not in NAME_HEADERS:
                parsed.warnings.add(
                    f"{filename}: столбец {column_letter(index)} «{header}» не распознан и не загружается"
                )
            continue
        code = key.split(":", 1)[1].strip()
        known = items_by_group.get(group, {})
        label = known.get(code, {}).get("label") or header_text(header).split(":", 1)[-1].strip() or code
        if group in ("remote", "comfort", "premises", "service") and code not in known:
            parsed.errors.add(
                f"{filename}: столбец {column_letter(index)} «{header}»: неизвестный элемент «{code}» группы «{group}» "
                f"(допустимы: {', '.join(known)})"
            )
            continue
        columns.append((index, group, code, label))
    if not columns:
        parsed.errors.add(f"{filename}: нет столбцов чек-листа вида «Группа: элемент [stand:код]»")
        return parsed
    groups_present = {g for _i, g, _c, _l in columns}
    for group in ("remote", "comfort", "premises", "service"):
        if group in groups_present:
            absent = set(items_by_group.get(group, {})) - {c for _i, g, c, _l in columns if g == group}
            if group == "service":
                absent.discard(BVI_ITEM)  # the BVI version may come from the site check instead
            if absent:
                parsed.errors.add(
                    f"{filename}: в группе «{group}» нет столбцов для элементов: {', '.join(sorted(absent))}"
                )
    if parsed.errors:
        return parsed
    seen_rows: dict[int, int] = {}
    for number, cells in skip_blank(rows):
        parsed.rows += 1
        entry = _organization_of(parsed, matcher, ids, number, cells)
        if entry is None:
            continue
        if entry in seen_rows:
            parsed.errors.add(
                f"{filename}: строка {number}: организация «{matcher.names[entry]}» "
                f"уже указана в строке {seen_rows[entry]}"
            )
            continue
        seen_rows[entry] = number
        parsed.organizations.add(entry)
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # key → [required, present]
        missing: dict[str, list[dict[str, str]]] = defaultdict(list)
        for index, group, code, label in columns:
            cell = cells[index] if index < len(cells) else None
            mark = _mark(cell)
            if mark == "bad":
                parsed.errors.add(
                    f"{filename}: {_cell_ref(number, index, headers[index])}: «{cell}» — ожидается 1 (есть) или 0 (нет)"
                )
                continue
            if group == "service" and code == BVI_ITEM:
                key, item_legal = K.SITE_BVI, items_by_group[group].get(code, {}).get("legal_basis", "")
            else:
                key = CHECKLIST_GROUPS[group][2]
                item_legal = items_by_group.get(group, {}).get(code, {}).get("legal_basis", "")
            if mark is None:
                if group in ("stand", "site"):
                    continue  # not applicable to this organization
                parsed.warnings.add(f"{filename}: {_cell_ref(number, index, headers[index])}: пусто — считается «нет»")
                mark = 0
            counts[key][0] += 1
            counts[key][1] += mark
            if not mark:
                legal = item_legal or (
                    SITE_LEGAL_BASIS if group == "site" else STAND_LEGAL_BASIS if group == "stand" else ""
                )
                missing[key].append({"code": code, "label": label, "legal_basis": legal})
        for key, (required, present) in counts.items():
            parsed.values[entry][key] = Decimal(present)
            parsed.details[entry][key] = {"missing": missing.get(key, [])}
            group = next((g for g, spec in CHECKLIST_GROUPS.items() if spec[2] == key), None)
            if group and CHECKLIST_GROUPS[group][1]:
                parsed.values[entry][CHECKLIST_GROUPS[group][1]] = Decimal(required)
    return parsed


def _mark(cell: Any) -> int | str | None:
    if cell is None:
        return None
    if isinstance(cell, bool):
        return "bad"
    if isinstance(cell, (int, float, Decimal)):
        return int(cell) if cell in (0, 1) else "bad"
    text = clean_cell(cell).lower()
    if text == "":
        return None
    return {"1": 1, "0": 0, "да": 1, "нет": 0}.get(text, "bad")


@dataclass
class _Pattern:
    """What one combination of answer cells means (computed once per distinct combination)."""

    marks: tuple[int | None, ...] = ()
    errors: list[tuple[int, str]] = field(default_factory=list)  # (column index, message)
    padded: list[int] = field(default_factory=list)  # column indexes written loosely
    dropped: list[tuple[int, int]] = field(default_factory=list)  # (item position, gate position)
    counted: tuple[tuple[int, int], ...] = ()  # (item position, mark) counted for this pattern
    empty: bool = False


def _analyse_pattern(cells: tuple, codes: list[str], gate_pos: list[int]) -> _Pattern:
    pattern = _Pattern()
    marks: list[int | None] = []
    for position, cell in enumerate(cells):
        mark = ANSWER_CODES.get(cell, -1) if cell.__class__ is str else (None if cell is None else -1)
        if mark == -1:
            mark = _answer_slow(cell)
            if mark == -1:
                pattern.errors.append((position, f"«{cell}» — допустимы только «Да» и «Нет»"))
                mark = None
            elif mark is not None:
                pattern.padded.append(position)
        marks.append(mark)
    pattern.marks = tuple(marks)
    if pattern.errors:
        return pattern  # the file is refused anyway; no follow-up errors from this row
    if all(m is None for m in marks):
        pattern.empty = True
        return pattern
    counted = []
    for position, mark in enumerate(marks):
        if mark is None:
            continue
        gate = gate_pos[position]
        if gate >= 0:
            if marks[gate] is None:
                pattern.errors.append(
                    (
                        position,
                        f"есть ответ на вопрос {_NUMBER_OF[codes[position]]}, "
                        f"но нет ответа на вопрос-фильтр {_NUMBER_OF[codes[gate]]}",
                    )
                )
                continue
            if marks[gate] == 0:
                pattern.dropped.append((position, gate))
                continue
        counted.append((position, mark))
    pattern.counted = tuple(counted)
    return pattern


def parse_answers(filename: str, headers: list[str], rows: Iterable[tuple[int, list[Any]]], matcher) -> ParsedFile:
    """Count «Да» and answers per item and organization, applying gates.

    Built for a million rows: each distinct combination of answers is analysed once, and a row costs a
    few dictionary look-ups (organization, combination, tally).
    """
    parsed = ParsedFile(filename, "answers")
    ids = _id_columns(headers)
    if not ids:
        parsed.errors.add(f"{filename}: нет столбца «ИНН» или «ID в реестре» — анкеты сопоставляются только по ним")
        return parsed
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        code = survey_column(header) if index not in ids.values() else None
        if code:
            if code in columns:
                parsed.errors.add(f"{filename}: вопрос {code} встречается в двух столбцах")
            columns[code] = index
    absent = [c for c in K.SURVEY_ITEM_CODES if c not in columns]
    if absent:
        parsed.errors.add(
            f"{filename}: нет столбцов для вопросов: "
            + ", ".join(f"{_NUMBER_OF[c]} ({QUESTION_TEXTS[c]})" for c in absent)
        )
        return parsed
    codes = list(K.SURVEY_ITEM_CODES)
    order = [columns[c] for c in codes]
    gate_pos = [codes.index(GATES[c]) if c in GATES else -1 for c in codes]
    width = len(codes)
    last = max(order)
    pick = itemgetter(*order)
    inn_col = ids.get("inn", -1)
    id_col = ids.get("id", -1)
    org_cols = [c for c in (inn_col, id_col) if c >= 0]
    org_last = max(org_cols)

    patterns: dict[Any, int] = {}  # joined answer cells (or their tuple) → pattern number
    analysed: list[_Pattern] = []
    entries: dict[Any, int] = {}  # organization cell(s) → row-entry number, -1 when not matched
    entry_numbers: dict[int, int] = {}  # cycle organization id → row-entry number
    entry_of_row = array("i")
    pattern_of_row = array("i")
    padded = Problems()
    dropped = Problems()
    empty_rows = 0
    number = 1
    join = "\x1f".join
    org_errors: dict[Any, str] = {}
    state: list[int] = []  # per pattern: 0 counted, 1 error, 2 no answers
    add_entry = entry_of_row.append
    add_pattern = pattern_of_row.append
    row_count = 0
    try:
        for number, cells in rows:
            row_count += 1
            length = len(cells)
            if length > last:
                picked = pick(cells)
                try:
                    key = join(picked)
                except TypeError:  # numbers or booleans in an XLSX: keep the cells themselves
                    key = picked
            else:
                key = picked = tuple(cells[i] if i < length else None for i in order)
            if length > org_last:
                if id_col < 0:
                    org_key = cells[inn_col]
                else:
                    org_key = cells[id_col] if inn_col < 0 else (cells[inn_col], cells[id_col])
            else:
                org_key = tuple(cells[c] if c < length else None for c in org_cols)
            eid = entries.get(org_key)
            if eid is None:
                inn_cell = cells[inn_col] if 0 <= inn_col < length else None
                id_cell = cells[id_col] if 0 <= id_col < length else None
                found = matcher.match(inn_cell, id_cell)
                if found.__class__ is str:
                    org_errors[org_key] = found
                    eid = -1
                else:
                    eid = entry_numbers.get(found)
                    if eid is None:
                        eid = entry_numbers[found] = len(entry_numbers)
                entries[org_key] = eid
            pid = patterns.get(key)
            if pid is None:
                pattern = _analyse_pattern(tuple(None if c == "" else c for c in picked), codes, gate_pos)
                pid = patterns[key] = len(analysed)
                analysed.append(pattern)
                state.append(1 if pattern.errors else 2 if pattern.empty else 0)
                for position in pattern.padded[:1]:
                    padded.add(f"строка {number}, столбец {column_letter(order[position])}: «{picked[position]}»")
                for position, gate in pattern.dropped[:1]:
                    dropped.add(
                        f"строка {number}: ответ на вопрос {_NUMBER_OF[codes[position]]} после «Нет» на вопрос "
                        f"{_NUMBER_OF[codes[gate]]}"
                    )
            if eid >= 0 and state[pid] == 0:
                add_entry(eid)
                add_pattern(pid)
                continue
            pattern = analysed[pid]
            if eid < 0:
                if pattern.empty and all(c in (None, "") for c in cells):
                    row_count -= 1
                    continue  # a blank line
                parsed.errors.add(f"{filename}: строка {number}: {org_errors[org_key]}")
                continue
            if pattern.errors:
                for position, message in pattern.errors:
                    index = order[position]
                    parsed.errors.add(f"{filename}: {_cell_ref(number, index, headers[index])}: {message}")
                continue
            empty_rows += 1
    except csv.Error as exc:
        raise TableError(f"Строка {number + 1}: файл CSV повреждён ({exc})") from exc
    parsed.rows = row_count
    by_number = {eid: entry for entry, eid in entry_numbers.items()}

    totals = _tally(entry_of_row, pattern_of_row, analysed, len(entry_numbers), width)
    padded_total = dropped_total = 0
    for pid, count in enumerate(_bincount(pattern_of_row, len(analysed))):
        if count:
            padded_total += len(analysed[pid].padded) * count
            dropped_total += len(analysed[pid].dropped) * count
    counters = {by_number[eid]: totals[eid] for eid in by_number}
    if padded_total:
        parsed.warnings.add(
            f"{filename}: {padded_total} {ru_plural(padded_total, 'ответ', 'ответа', 'ответов')} "
            "записаны с лишними пробелами или в другом регистре "
            f"и приняты как «Да»/«Нет», например {'; '.join(padded.items[:3])}"
        )
    if dropped_total:
        parsed.warnings.add(
            f"{filename}: {dropped_total} {ru_plural(dropped_total, 'ответ', 'ответа', 'ответов')} "
            "нарушают переходы анкеты и не учтены, "
            f"например {'; '.join(dropped.items[:3])}"
        )
    if empty_rows:
        parsed.warnings.add(
            f"{filename}: {empty_rows} {ru_plural(empty_rows, 'строка', 'строки', 'строк')} "
            "без единого ответа не учтены"
        )
    for entry, row_counts in counters.items():
        parsed.organizations.add(entry)
        values = parsed.values[entry]
        values[K.SURVEY_RESPONDENTS] = Decimal(row_counts[-1])
        for position, code in enumerate(codes):
            values[K.survey_yes(code)] = Decimal(row_counts[2 * position])
            values[K.survey_answered(code)] = Decimal(row_counts[2 * position + 1])
    return parsed


def _bincount(values: array, size: int) -> list[int]:
    counts = [0] * size
    if not values:
        return counts
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy comes with matplotlib
        for value in values:
            counts[value] += 1
        return counts
    return [int(c) for c in np.bincount(np.frombuffer(values, dtype=np.int32), minlength=size)]


def _tally(entry_of_row: array, pattern_of_row: array, patterns: list[_Pattern], entries: int, width: int):
    """Per organization: [yes, answered] for every item, then the number of questionnaires (last cell).

    Each row contributes its pattern's counts; summed with numpy's bincount (one pass per column) when
    available, else in Python per distinct (organization, pattern) pair.
    """
    columns = 2 * width + 1
    table = [[0] * columns for _ in range(entries)]
    if not entry_of_row:
        return table
    delta = [[0] * columns for _ in patterns]
    for pid, pattern in enumerate(patterns):
        for position, mark in pattern.counted:
            delta[pid][2 * position] = mark
            delta[pid][2 * position + 1] = 1
        delta[pid][-1] = 1
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        pairs = Counter(zip(entry_of_row, pattern_of_row, strict=True))
        for (eid, pid), count in pairs.items():
            row, d = table[eid], delta[pid]
            for j in range(columns):
                if d[j]:
                    row[j] += d[j] * count
        return table
    entry_idx = np.frombuffer(entry_of_row, dtype=np.int32)
    pattern_idx = np.frombuffer(pattern_of_row, dtype=np.int32)
    matrix = np.array(delta, dtype=np.int64)
    if entries * len(patterns) <= 20_000_000:
        flat = entry_idx.astype(np.int64) * len(patterns) + pattern_idx
        per_entry_pattern = np.bincount(flat, minlength=entries * len(patterns)).reshape(entries, len(patterns))
        result = per_entry_pattern @ matrix
    else:
        result = np.zeros((entries, columns), dtype=np.int64)
        for j in range(columns):
            result[:, j] = np.bincount(entry_idx, weights=matrix[pattern_idx, j], minlength=entries).round()
    return [[int(v) for v in row] for row in result]


def _answer_slow(cell: Any) -> int | None:
    """-1 = not a declared code; None = blank; 1/0 for a declared code written loosely («да », «ДА»)."""
    if cell is None:
        return None
    if not isinstance(cell, str):
        return -1
    text = cell.strip()
    if text == "":
        return None
    return {"да": 1, "нет": 0}.get(text.replace("\u00a0", "").strip().lower(), -1)


# --- files ----------------------------------------------------------------------------------------------


def iter_rows(data: bytes, filename: str) -> tuple[list[str], Iterator[list[Any]]]:
    """Headers and a lazy iterator of the following rows' cells (the first is row 2).

    XLSX is read by python-calamine, CSV is streamed; empty cells come as "".
    """
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise TableError("Файл не является книгой XLSX (повреждён или другого формата)")
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:  # pragma: no cover - calamine is a pinned dependency
            return _openpyxl_rows(data)
        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
            rows = sheet.iter_rows()
            first = next(rows, None)
        except Exception as exc:  # calamine raises its own error types on broken files
            raise TableError(f"Книгу XLSX не удалось прочитать: {exc}") from exc
        if first is None:
            raise TableError("Лист пуст: нет строки заголовков")
        headers = [clean_cell(c) for c in first]
        while headers and headers[-1] == "":
            headers.pop()
        return headers, rows
    if name.endswith((".csv", ".txt")):
        table_text = _decode(data)
        sample = table_text[:8192]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        if sample.count("\t") > max(sample.count(";"), sample.count(",")):
            delimiter = "\t"
        reader = csv.reader(io.StringIO(table_text), delimiter=delimiter)
        first = next(reader, None)
        if first is None:
            raise TableError("Файл пуст: нет строки заголовков")
        headers = [clean_cell(c) for c in first]
        while headers and headers[-1] == "":
            headers.pop()
        return headers, reader
    raise TableError(f"Файл «{filename}»: поддерживаются только XLSX и CSV")


def _openpyxl_rows(data: bytes) -> tuple[list[str], Iterator[list[Any]]]:
    """The slower reader, streamed in read-only mode (used only if python-calamine is missing)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types on broken files
        raise TableError(f"Книгу XLSX не удалось прочитать: {exc}") from exc
    rows = book.worksheets[0].iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        raise TableError("Лист пуст: нет строки заголовков")
    headers = [clean_cell(c) for c in first]
    while headers and headers[-1] == "":
        headers.pop()
    return headers, (list(r) for r in rows)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise TableError("Файл CSV содержит двоичные данные")
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("Не удалось определить кодировку CSV (ожидается UTF-8 или Windows-1251)")


def _numbered(rows, *, start: int) -> Iterator[tuple[int, list[Any]]]:
    """Number the rows as the user sees them; drop empty lines. Empty cells stay "" (callers treat as blank)."""
    number = start - 1
    try:
        for cells in rows:
            number += 1
            if cells:
                yield number, cells
    except csv.Error as exc:
        raise TableError(f"Строка {number}: файл CSV повреждён ({exc})") from exc


def skip_blank(rows: Iterable[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in rows:
        if not all(c is None or (c.__class__ is str and not c.strip()) for c in cells):
            yield number, cells


def parse_file(data: bytes, filename: str, matcher, items_by_group: dict, items_by_key: dict) -> ParsedFile:
    try:
        headers, rows = iter_rows(data, filename)
    except TableError as exc:
        parsed = ParsedFile(filename, "inputs")
        parsed.errors.add(f"{filename}: {exc}")
        return parsed
    kind = detect_kind(headers)
    if kind is None:
        parsed = ParsedFile(filename, "inputs")
        parsed.errors.add(
            f"{filename}: не удалось определить вид файла по заголовкам ({', '.join(h for h in headers[:6] if h)} …): "
            "ожидаются ключи исходных данных, столбцы чек-листа «stand:…» или вопросы анкеты"
        )
        return parsed
    try:
        if kind == "answers":
            return parse_answers(filename, headers, enumerate(rows, start=2), matcher)
        if kind == "checklist":
            return parse_checklist(filename, headers, _numbered(rows, start=2), matcher, items_by_group)
        return parse_inputs(filename, headers, _numbered(rows, start=2), matcher, items_by_key)
    except TableError as exc:
        parsed = ParsedFile(filename, kind)
        parsed.errors.add(f"{filename}: {exc}")
        return parsed
