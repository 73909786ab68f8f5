"""Scoring writes and reads: gathering and importing inputs, computing, finalizing, aggregates, ratings.

Every function that changes data takes ``user`` first (``None`` = the system: demo, commands) and records
an audit entry in the same transaction. Views, the API, jobs and commands call these functions.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import json
import logging
import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Exists, Max, Min, OuterRef, Subquery, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import Role
from accounts.scopes import scope_for
from audit.services import log_action
from cycles.models import Cycle, CycleOrganization
from lib import score_inputs as K
from lib.scoring_math import MethodologySpec, OrgScore, competition_ranks, quantize, score
from scoring import conf, fastdb, importers
from scoring.choices import InputSource, Level, RatingGroup, ResultStatus, Severity, ShortcomingKind
from scoring.models import (
    CRITERION_CODES,
    TOTAL_CODE,
    InputImport,
    Methodology,
    Rating,
    Result,
    ScoreInput,
    ScoringRun,
    Shortcoming,
    display_code,
)

log = logging.getLogger(__name__)

PROVIDER_APPS = ("surveys", "sitecheck", "expertise")
RATING_CODES = (TOTAL_CODE, *CRITERION_CODES)
# sources an automatic gathering never overwrites (an operator's explicit figure wins)
OPERATOR_SOURCES = {InputSource.IMPORT, InputSource.MANUAL}

# how a failed item of each input key is worded in the shortcomings list
MISSING_TEXT = {
    K.STAND_ITEMS_PRESENT: "На информационных стендах не размещена информация: {label}",
    K.SITE_ITEMS_PRESENT: "На официальном сайте не размещена (размещена не полностью) информация: {label}",
    K.SITE_REMOTE_CHANNELS: "Не обеспечен (не функционирует) дистанционный способ взаимодействия: {label}",
    K.COMFORT_CONDITIONS: "Не обеспечено комфортное условие: {label}",
    K.ACCESS_PREMISES_CONDITIONS: "Территория и помещения не оборудованы с учётом доступности для инвалидов: {label}",
    K.ACCESS_SERVICE_CONDITIONS: "Не обеспечено условие доступности услуг для инвалидов: {label}",
    K.SITE_BVI: "Не обеспечено условие доступности услуг для инвалидов: {label}",
}
COUNT_TEXT = {
    K.STAND_ITEMS_PRESENT: "На информационных стендах не размещено {missing} из {required} обязательных материалов",
    K.SITE_ITEMS_PRESENT: "На официальном сайте не размещено {missing} из {required} обязательных сведений",
    K.SITE_REMOTE_CHANNELS: "Работают {count} из {max} дистанционных способов взаимодействия, нужных для 100 баллов",
    K.COMFORT_CONDITIONS: "Обеспечено {count} из {max} комфортных условий",
    K.ACCESS_PREMISES_CONDITIONS: "Обеспечено {count} из {max} условий доступности территории и помещений",
    K.ACCESS_SERVICE_CONDITIONS: "Обеспечено {count} из {max} условий доступности услуг для инвалидов",
}
REQUIRED_KEY = {K.STAND_ITEMS_PRESENT: K.STAND_ITEMS_REQUIRED, K.SITE_ITEMS_PRESENT: K.SITE_ITEMS_REQUIRED}


class ReasonRequired(ValidationError):
    """Results of the cycle are final: a change needs a written reason."""


# --- access -----------------------------------------------------------------------------------------


def can_compute(user, cycle: Cycle) -> bool:
    """Authorities of the cycle's territory and its operator compute, import and gather."""
    if user is None:
        return True
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    return cycle.territory_id in scope.territories_for(Role.REGIONAL, Role.MUNICIPAL, Role.OPERATOR)


def can_finalize(user, cycle: Cycle) -> bool:
    """Only the education authority approves results as final."""
    if user is None:
        return True
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    return cycle.territory_id in scope.territories_for(Role.REGIONAL, Role.MUNICIPAL)


def _check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Недостаточно прав для этого действия с результатами цикла")


def is_final(cycle: Cycle) -> bool:
    return Result.objects.filter(cycle=cycle, status=ResultStatus.FINAL).exists()


def _require_reason(cycle: Cycle, reason: str) -> None:
    if is_final(cycle) and not (reason or "").strip():
        raise ReasonRequired("Результаты цикла утверждены как итоговые: укажите основание изменения.")


SHIPPED_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_DESCRIPTION = (
    "Критерии К1–К5 и показатели 1.1–5.3 по приказу Минпросвещения № 114, формулы и значимость по Единому "
    "порядку 344н; знаменатель долей — ответившие на вопрос; нулевой знаменатель — показатель исключается, "
    "веса критерия перераспределяются; полная точность, публикация с 2 знаками."
)


def shipped_methodology(code: str) -> Methodology | None:
    """Create a version shipped as scoring/data/<code>.json if the database lacks it (e.g. after a flush)."""
    path = SHIPPED_DIR / f"{code}.json"
    if "/" in code or not path.is_file():
        return None
    definition = json.loads(path.read_text(encoding="utf-8"))
    methodology, _created = Methodology.objects.get_or_create(
        code=code,
        defaults={"title": definition["title"], "description": SHIPPED_DESCRIPTION, "definition": definition},
    )
    return methodology


def methodology_for(cycle: Cycle) -> Methodology:
    try:
        return Methodology.objects.for_cycle(cycle)
    except Methodology.DoesNotExist as exc:
        shipped = shipped_methodology(cycle.methodology_version)
        if shipped is not None:
            return shipped
        raise ValidationError(
            f"Для цикла указана версия методики «{cycle.methodology_version}», которой нет в системе"
        ) from exc


METHODOLOGY_SWITCHES = (
    "denominator_mode",
    "rounding_mode",
    "zero_policy",
    "min_respondents",
    "low_share_threshold",
    "severity_high_below",
    "severity_medium_below",
    "publish_decimals",
    "level_scale",
)


def create_methodology_version(user, base: Methodology, code: str, title: str = "", **changes) -> Methodology:
    """A new version copied from BASE with CHANGES (switches or ``definition``); versions with results stay as
    they are, cycles choose a version by its code (methodology.md §0: the formula set is versioned data)."""
    scope = scope_for(user) if user is not None else None
    if scope is not None and not scope.sees_everything:
        raise PermissionDenied("Версии методики добавляет администратор системы")
    if Methodology.objects.filter(code=code).exists():
        raise ValidationError(f"Версия «{code}» уже есть")
    unknown = set(changes) - set(METHODOLOGY_SWITCHES) - {"definition", "description"}
    if unknown:
        raise ValidationError(f"Неизвестные параметры: {', '.join(sorted(unknown))}")
    fields = {name: getattr(base, name) for name in METHODOLOGY_SWITCHES}
    fields.update(
        definition=json.loads(json.dumps(base.definition)), description=base.description, title=title or base.title
    )
    fields.update(changes)
    methodology = Methodology(code=code, **fields)
    methodology.full_clean()
    methodology.spec()  # refuses a definition the engine cannot read
    with transaction.atomic():
        methodology.save()
        log_action(
            user,
            "scoring.methodology.created",
            methodology,
            after={name: getattr(methodology, name) for name in METHODOLOGY_SWITCHES},
            data={"base": base.code, "definition_changed": "definition" in changes},
        )
    return methodology


def check_methodology_edit(user, methodology: Methodology, changed: list[str]) -> None:
    """An unused version may be edited (admin); the edit is audited. A version with results may not."""
    if methodology.results.exists():
        raise ValidationError("По этой версии уже есть результаты: создайте новую версию")
    with transaction.atomic():
        log_action(user, "scoring.methodology.changed", methodology, data={"fields": changed})


def _items_by_key(methodology: Methodology) -> dict[str, dict[str, dict[str, str]]]:
    """For each count key: its condition items {code: {code, label, legal_basis}} from the methodology."""
    result: dict[str, dict[str, dict[str, str]]] = {}
    for indicator in methodology.definition.get("indicators", []):
        items = indicator.get("items") or []
        for key in indicator.get("count", []):
            result[key] = {
                item["code"]: {
                    "code": item["code"],
                    "label": item["label"],
                    "legal_basis": item.get("legal_basis") or indicator.get("legal_basis", ""),
                }
                for item in items
                if item["code"] != importers.BVI_ITEM
            }
        if importers.BVI_ITEM in {i["code"] for i in items}:
            bvi = next(i for i in items if i["code"] == importers.BVI_ITEM)
            result[K.SITE_BVI] = {
                bvi["code"]: {
                    "code": bvi["code"],
                    "label": bvi["label"],
                    "legal_basis": bvi.get("legal_basis") or indicator.get("legal_basis", ""),
                }
            }
    return result


def _items_by_group(methodology: Methodology) -> dict[str, dict[str, dict[str, str]]]:
    by_key = _items_by_key(methodology)
    groups: dict[str, dict[str, dict[str, str]]] = {}
    for group, (_label, _req, key, _ind) in importers.CHECKLIST_GROUPS.items():
        groups[group] = dict(by_key.get(key, {}))
    groups["service"].update(by_key.get(K.SITE_BVI, {}))
    groups["stand"] = {
        code: {"code": code, "label": label, "legal_basis": importers.STAND_LEGAL_BASIS}
        for code, label in importers.DEFAULT_STAND_ITEMS
    }
    groups["site"] = {
        code: {"code": code, "label": label, "legal_basis": importers.SITE_LEGAL_BASIS}
        for code, label in importers.DEFAULT_SITE_ITEMS
    }
    return groups


# --- inputs -----------------------------------------------------------------------------------------


@dataclass
class WriteReport:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    kept_operator: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)  # the first ones, for the audit entry


# The stored inputs of one cycle: {(cycle organization id, key): [pk, value, source, detail]}; read once per
# computation and kept up to date by the writes of the same computation (pk None = inserted by it).
StoredInputs = dict[tuple[int, str], list]

INPUT_FIELDS = ["cycle", "cycle_organization", "key", "value", "source", "detail", "updated_at", "updated_by"]
KNOWN_KEYS = frozenset(K.ALL_KEYS)
KNOWN_SOURCES = frozenset(InputSource.values)


def stored_inputs(cycle_ids: Iterable[int]) -> dict[int, StoredInputs]:
    """Every ScoreInput row of the cycles in one query, details parsed only when not empty."""
    ids = list(cycle_ids)
    found: dict[int, StoredInputs] = {cycle_id: {} for cycle_id in ids}
    if not ids:
        return found
    # one indexed scan by cycle, unsorted (no join, no server-side cursor: PostgreSQL plans those for the
    # first rows)
    rows = (
        ScoreInput.objects.filter(cycle_id__in=ids)
        .order_by()
        .annotate(raw_detail=Cast("detail", TextField()))
        .values_list("pk", "cycle_id", "cycle_organization_id", "key", "value", "source", "raw_detail")
    )
    for pk, cycle_id, entry_id, key, value, source, raw in rows:
        found[cycle_id][(entry_id, key)] = [pk, value, source, _detail(raw)]
    return found


@dataclass
class _InputWrites:
    """Rows to write: a changed row is replaced (its old row deleted, the new one inserted with the others)."""

    replaced: list[int] = field(default_factory=list)  # pks of the changed rows
    inserts: list[tuple] = field(default_factory=list)  # INPUT_FIELDS
    pending: dict[tuple[int, str], int] = field(default_factory=dict)  # (entry, key) → index in inserts

    def apply(self) -> None:
        fastdb.delete_ids(ScoreInput, self.replaced)
        fastdb.insert_rows(ScoreInput, INPUT_FIELDS, self.inserts)


def _diff_inputs(
    user,
    cycle_id: int,
    rows: Iterable[tuple[int, str, Decimal, str, dict]],
    stored: StoredInputs,
    writes: _InputWrites,
    *,
    keep_operator: bool = False,
) -> WriteReport:
    """Compare (cycle organization id, key, value, source, detail) rows with STORED; queue what changed in
    WRITES and bring STORED up to date."""
    report = WriteReport()
    now = timezone.now()
    actor_id = user.pk if getattr(user, "pk", None) else None
    for entry_id, key, value, source, detail in rows:
        value = quantize(Decimal(value), 4)
        detail = detail or {}
        current = stored.get((entry_id, key))
        if current is None:
            report.created += 1
            writes.pending[(entry_id, key)] = len(writes.inserts)
            writes.inserts.append((cycle_id, entry_id, key, value, source, detail, now, actor_id))
            stored[(entry_id, key)] = [None, value, source, detail]
            continue
        pk, old_value, old_source, old_detail = current
        if keep_operator and old_source in OPERATOR_SOURCES and source not in OPERATOR_SOURCES:
            report.kept_operator += 1
            continue
        if old_value == value and old_source == source and old_detail == detail:
            report.unchanged += 1
            continue
        report.changed += 1
        if len(report.changes) < 500:
            report.changes.append(
                {"entry": entry_id, "key": key, "before": str(old_value), "after": str(value), "source": source}
            )
        current[:] = [None, value, source, detail]
        row = (cycle_id, entry_id, key, value, source, detail, now, actor_id)
        if pk is None:  # inserted by this very write: replace the queued row
            writes.inserts[writes.pending[(entry_id, key)]] = row
        else:
            writes.replaced.append(pk)
            writes.pending[(entry_id, key)] = len(writes.inserts)
            writes.inserts.append(row)
    return report


def _write_inputs(
    user,
    cycle: Cycle,
    rows: Iterable[tuple[int, str, Decimal, str, dict]],
    *,
    keep_operator: bool = False,
    stored: StoredInputs | None = None,
) -> WriteReport:
    """Upsert (cycle organization id, key, value, source, detail) rows; returns what changed."""
    if stored is None:
        stored = stored_inputs([cycle.pk])[cycle.pk]
    writes = _InputWrites()
    report = _diff_inputs(user, cycle.pk, rows, stored, writes, keep_operator=keep_operator)
    writes.apply()
    return report


def provider_modules() -> list[tuple[str, Any]]:
    """(app, module) for every collecting app that has a score_inputs module with provide()."""
    found = []
    for app in PROVIDER_APPS:
        name = f"{app}.score_inputs"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name in (name, app):
                continue
            raise
        if callable(getattr(module, "provide", None)):
            found.append((app, module))
    return found


@dataclass
class GatherReport:
    apps: dict[str, int] = field(default_factory=dict)  # app → values received
    warnings: list[str] = field(default_factory=list)
    write: WriteReport = field(default_factory=WriteReport)


def gather_inputs(user, cycle: Cycle, *, reason: str = "", override_operator: bool = False) -> GatherReport:
    """Pull InputValues from every collecting app's ``score_inputs.provide(cycle)`` into ScoreInput.

    Apps without the module are skipped; a provider that fails is reported, not fatal. Values an operator
    imported or entered by hand are kept unless ``override_operator``.
    """
    return gather_many(user, [cycle], reason=reason, override_operator=override_operator)[cycle.pk]


def _provided(app: str, module, cycles: list[Cycle], reports: dict[int, GatherReport], cycle_of: dict[int, int]):
    """Everything APP provides for CYCLES: one ``provide_many(cycles)`` call when the module has it (a region
    in a few queries), else ``provide(cycle)`` per cycle. A failure is a warning of the cycle it concerns."""
    many = getattr(module, "provide_many", None)
    if many is not None and len(cycles) > 1:
        try:
            values = list(many(cycles))
        except NotImplementedError:
            return []
        except Exception:  # retried cycle by cycle, so that one cycle's failure stays that cycle's warning
            log.exception("score input provider %s failed for several cycles", app)
        else:
            counts = Counter(cycle_of.get(v.cycle_organization_id) for v in values)
            for cycle in cycles:
                reports[cycle.pk].apps[app] = counts.get(cycle.pk, 0)
            return values
    values = []
    for cycle in cycles:
        try:
            got = list(module.provide(cycle))
        except NotImplementedError:
            continue
        except Exception as exc:  # one broken provider must not stop the computation of the others
            log.exception("score input provider %s failed", app)
            reports[cycle.pk].warnings.append(f"Модуль «{app}» не передал данные: {exc}")
            continue
        reports[cycle.pk].apps[app] = len(got)
        values += got
    return values


def gather_many(
    user,
    cycles: Iterable[Cycle],
    *,
    reason: str = "",
    override_operator: bool = False,
    stored: dict[int, StoredInputs] | None = None,
) -> dict[int, GatherReport]:
    """``gather_inputs`` for many cycles at once: one pass of each collecting app over all of them, one write.

    STORED (from ``stored_inputs``) is used and brought up to date when given. If a cycle's results are final
    and an input would change without a REASON, nothing is written (``ReasonRequired``).
    """
    cycles = list(cycles)
    for cycle in cycles:
        _check(can_compute(user, cycle))
    reports = {cycle.pk: GatherReport() for cycle in cycles}
    cycle_of: dict[int, int] = {}
    included: set[int] = set()
    for entry_id, cycle_id, status in CycleOrganization.objects.filter(cycle__in=cycles).values_list(
        "pk", "cycle_id", "status"
    ):
        cycle_of[entry_id] = cycle_id
        if status == CycleOrganization.Status.INCLUDED:
            included.add(entry_id)
    rows: dict[int, list[tuple[int, str, Decimal, str, dict]]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    for app, module in provider_modules():
        for item in _provided(app, module, cycles, reports, cycle_of):
            entry_id = item.cycle_organization_id
            if entry_id not in included:
                continue
            cycle_id = cycle_of[entry_id]
            if item.key not in KNOWN_KEYS:
                reports[cycle_id].warnings.append(f"Модуль «{app}»: неизвестный ключ «{item.key}» пропущен")
                continue
            if (entry_id, item.key) in seen:
                reports[cycle_id].warnings.append(f"Ключ «{item.key}» передан дважды; использовано первое значение")
                continue
            seen.add((entry_id, item.key))
            source = item.source if item.source in KNOWN_SOURCES else app
            rows[cycle_id].append((entry_id, item.key, item.value, source, dict(item.detail or {})))
    if not rows:
        return reports
    if stored is None:
        stored = stored_inputs(rows)
    writes = _InputWrites()
    final = _final_cycle_ids(rows)
    for cycle in cycles:
        if cycle.pk not in rows:
            continue
        write = _diff_inputs(
            user, cycle.pk, rows[cycle.pk], stored[cycle.pk], writes, keep_operator=not override_operator
        )
        if write.changed and cycle.pk in final and not reason.strip():
            raise ReasonRequired("Результаты цикла утверждены как итоговые: укажите основание изменения данных.")
        reports[cycle.pk].write = write
    with transaction.atomic():
        writes.apply()
        _log_each(
            user,
            "scoring.input.gathered",
            [
                {
                    "target": cycle,
                    "territory_id": cycle.territory_id,
                    "data": {
                        "apps": report.apps,
                        "created": report.write.created,
                        "changed": report.write.changed,
                        "kept_operator": report.write.kept_operator,
                        "changes": report.write.changes,
                        "reason": reason,
                    },
                }
                for cycle, report in ((c, reports[c.pk]) for c in cycles)
                if report.write.created or report.write.changed
            ],
        )
    return reports


def set_input(user, entry: CycleOrganization, key: str, value, *, reason: str = "", detail: dict | None = None):
    """Enter or correct one number by hand (audited; after approval only with a reason)."""
    cycle = entry.cycle
    _check(can_compute(user, cycle))
    if key not in K.ALL_KEYS:
        raise ValidationError(f"Неизвестный ключ исходных данных «{key}»")
    try:
        number = importers.parse_number(value)
    except ValueError as exc:
        raise ValidationError(f"«{value}»: {exc}") from exc
    if number is None or number < 0:
        raise ValidationError("Укажите число не меньше нуля")
    _require_reason(cycle, reason)
    with transaction.atomic():
        current = ScoreInput.objects.filter(cycle_organization=entry, key=key).first()
        before = {"value": str(current.value), "source": current.source} if current else None
        write = _write_inputs(user, cycle, [(entry.pk, key, number, InputSource.MANUAL, detail or {})])
        if write.created or write.changed:
            log_action(
                user,
                "scoring.input.changed",
                entry.organization,
                before=before,
                after={"key": key, "value": str(number), "source": InputSource.MANUAL},
                data={"cycle": cycle.pk, "entry": entry.pk, "reason": reason},
            )
    return ScoreInput.objects.get(cycle_organization=entry, key=key)


@dataclass
class ImportReport:
    files: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    organizations: int = 0
    created: int = 0
    changed: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def _matcher(cycle: Cycle) -> importers.OrganizationMatcher:
    from registry.models import Organization

    entries = cycle.entries.included().values_list(
        "pk", "organization_id", "organization__inn", "organization__short_name"
    )
    matcher = importers.OrganizationMatcher(entries)

    class _Known(dict):
        def __missing__(self, inn):
            name = Organization.objects.filter(inn=inn).values_list("short_name", flat=True).first()
            if name is None:
                raise KeyError(inn)
            self[inn] = name
            return name

        def __contains__(self, inn):
            try:
                self[inn]
            except KeyError:
                return False
            return True

    matcher.known_inns = _Known()
    return matcher


def import_inputs(
    user,
    cycle: Cycle,
    files: list[tuple[str, bytes]],
    *,
    reason: str = "",
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate and load an operator's files (inputs table, checklist, answers); all or nothing.

    PROGRESS, when given, is called with 1 after each file is read and once more when the values are written.
    """
    _check(can_compute(user, cycle))
    methodology = methodology_for(cycle)
    matcher = _matcher(cycle)
    items_by_group = _items_by_group(methodology)
    items_by_key = _items_by_key(methodology)
    report = ImportReport()
    parsed_files = []
    for filename, data in files:
        parsed = importers.parse_file(data, filename, matcher, items_by_group, items_by_key)
        parsed_files.append(parsed)
        if progress is not None:
            progress(1)
        report.files.append(
            {
                "filename": filename,
                "kind": parsed.kind_label,
                "rows": parsed.rows,
                "organizations": len(parsed.organizations),
            }
        )
        report.errors += parsed.errors.lines()
        report.error_count += parsed.errors.total
        report.warnings += parsed.warnings.lines()
    # the same number from two files is ambiguous
    owner: dict[tuple[int, str], str] = {}
    for parsed in parsed_files:
        for entry, values in parsed.values.items():
            for key in values:
                if (entry, key) in owner:
                    report.errors.append(
                        f"«{matcher.names[entry]}»: значение «{key}» есть и в файле «{owner[(entry, key)]}», "
                        f"и в файле «{parsed.filename}»"
                    )
                    report.error_count += 1
                owner[(entry, key)] = parsed.filename
    # an organization present in one file and absent from another is named, never silently dropped
    if len(parsed_files) > 1:
        for parsed in parsed_files:
            for other in parsed_files:
                if other is parsed or not parsed.organizations:
                    continue
                for entry in sorted(other.organizations - parsed.organizations, key=lambda e: matcher.names[e]):
                    report.warnings.append(
                        f"«{matcher.names[entry]}» есть в файле «{other.filename}», но отсутствует в файле "
                        f"«{parsed.filename}» ({parsed.kind_label})"
                    )
    covered = set().union(*(p.organizations for p in parsed_files)) if parsed_files else set()
    absent = [name for entry, name in matcher.names.items() if entry not in covered]
    if absent and covered:
        report.warnings.append(
            f"Нет данных в загруженных файлах для {len(absent)} организаций цикла: "
            + ", ".join(sorted(absent)[:20])
            + (" …" if len(absent) > 20 else "")
        )
    report.organizations = len(covered)
    if not report.ok or dry_run:
        return report
    rows = []
    for parsed in parsed_files:
        for entry, values in parsed.values.items():
            details = parsed.details.get(entry, {})
            for key, value in values.items():
                detail = dict(details.get(key, {}))
                detail["file"] = parsed.filename
                rows.append((entry, key, value, InputSource.IMPORT, detail))
        for entry, details in parsed.details.items():
            for key, detail in details.items():
                if key not in parsed.values.get(entry, {}):
                    current = ScoreInput.objects.filter(cycle_organization_id=entry, key=key).first()
                    if current is None:
                        report.warnings.append(
                            f"«{matcher.names[entry]}»: перечень для «{key}» без значения не загружен"
                        )
                        continue
                    rows.append((entry, key, current.value, InputSource.IMPORT, {**detail, "file": parsed.filename}))
    with transaction.atomic():
        write = _write_inputs(user, cycle, rows)
        if write.changed and is_final(cycle) and not reason.strip():
            transaction.set_rollback(True)
            report.errors.append("Результаты цикла утверждены как итоговые: укажите основание изменения данных.")
            report.error_count += 1
            return report
        report.created, report.changed = write.created, write.changed
        log_action(
            user,
            "scoring.input.imported",
            cycle,
            territory=cycle.territory,
            data={
                "files": report.files,
                "created": write.created,
                "changed": write.changed,
                "changes": write.changes,
                "warnings": report.warnings[:50],
                "reason": reason,
            },
        )
    report.applied = True
    if progress is not None:
        progress(1)
    return report


def import_in_background(total_bytes: int) -> bool:
    """Whether uploaded files of TOTAL_BYTES are loaded by a background job rather than while the page waits."""
    return total_bytes > conf.import_sync_bytes()


def start_import(
    user, cycle: Cycle, files: list[tuple[str, Any]], *, reason: str = "", dry_run: bool = False
) -> InputImport:
    """Keep FILES ((name, uploaded file or bytes)) and queue the job that checks and loads them with
    ``import_inputs``; the page of the returned InputImport follows the job and shows its report."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils.text import get_valid_filename

    from jobs.services import enqueue

    _check(can_compute(user, cycle))
    record = InputImport.objects.create(
        cycle=cycle, created_by=user if getattr(user, "pk", None) else None, reason=reason, dry_run=dry_run
    )
    stored = []
    for name, content in files:
        content = ContentFile(content) if isinstance(content, bytes) else content
        path = default_storage.save(f"scoring/imports/{record.pk}/{get_valid_filename(Path(name).name)}", content)
        stored.append({"name": name, "path": path, "size": content.size})
    record.files = stored
    record.save(update_fields=["files"])
    record.job = enqueue("scoring.import", f"Загрузка исходных данных: {cycle}", user, import_id=record.pk)
    record.save(update_fields=["job"])
    return record


def run_import(record: InputImport, *, progress: Callable[[int], None] | None = None) -> ImportReport:
    """The job's work: load the kept files with ``import_inputs``, keep the report, remove the files."""
    from django.core.files.storage import default_storage

    files = []
    for item in record.files:
        with default_storage.open(item["path"], "rb") as handle:
            files.append((item["name"], handle.read()))
    try:
        report = import_inputs(
            record.created_by, record.cycle, files, reason=record.reason, dry_run=record.dry_run, progress=progress
        )
    except ValidationError as exc:
        report = ImportReport(errors=list(exc.messages), error_count=len(exc.messages))
    finally:
        for item in record.files:
            default_storage.delete(item["path"])
    record.report = asdict(report)
    record.finished_at = timezone.now()
    record.save(update_fields=["report", "finished_at"])
    return report


# --- computation ------------------------------------------------------------------------------------


def _inputs_of(
    stored: StoredInputs, included: set[int]
) -> tuple[dict[int, dict[str, Decimal]], dict[int, dict[str, tuple[str, dict]]]]:
    values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    meta: dict[int, dict[str, tuple[str, dict]]] = defaultdict(dict)
    for (entry_id, key), (_pk, value, source, detail) in stored.items():
        if entry_id in included:
            values[entry_id][key] = value
            meta[entry_id][key] = (source, detail)
    return values, meta


def _detail(raw) -> dict:
    """A JSON detail read as text: most are empty, so only the others are parsed."""
    if raw is None or raw in ("{}", '""'):
        return {}
    if isinstance(raw, dict):
        return raw
    parsed = json.loads(raw)
    return parsed if isinstance(parsed, dict) else {}


# json.dumps with options builds an encoder per call: this one is built once (a result's detail as written and
# fingerprinted)
_DETAIL_JSON = json.JSONEncoder(default=str, ensure_ascii=False)


def _digest(stored: StoredInputs, included: set[int], methodology: Methodology, entry_ids: list[int]) -> str:
    """Everything a computation depends on: the version's data, the list and the inputs of its organizations.

    An input row is never changed in place — a changed value replaces the row (``_InputWrites``) and ids are
    never reused — so the ids of the rows stand for their values, sources and details."""
    switches = {name: str(getattr(methodology, name)) for name in METHODOLOGY_SWITCHES}
    h = hashlib.sha256(json.dumps([methodology.code, methodology.definition, switches], sort_keys=True).encode())
    h.update(",".join(str(e) for e in sorted(entry_ids)).encode())
    h.update(b"|")
    h.update(",".join(map(str, sorted(row[0] for (entry, _key), row in stored.items() if entry in included))).encode())
    return h.hexdigest()


def _refresh_ids(stored: dict[int, StoredInputs]) -> None:
    """Give the rows inserted by this computation (id None in STORED) their ids: one query for the cycles that
    have any."""
    cycle_ids = [cycle_id for cycle_id, rows in stored.items() if any(row[0] is None for row in rows.values())]
    if not cycle_ids:
        return
    for cycle_id, entry_id, key, pk in (
        ScoreInput.objects.filter(cycle_id__in=cycle_ids)
        .order_by()
        .values_list("cycle_id", "cycle_organization_id", "key", "pk")
    ):
        row = stored[cycle_id].get((entry_id, key))
        if row is not None:
            row[0] = pk


COMPUTE_WARNING_PREFIXES = ("Нет значения «", "Итоговый показатель не рассчитан")


def _result_rows(entry_id: int, org_score: OrgScore, methodology: Methodology) -> list[dict[str, Any]]:
    rows = []
    for code, iv in org_score.indicators.items():
        detail: dict[str, Any] = {}
        if iv.parts:
            detail["parts"] = [
                {k: (str(v) if isinstance(v, Decimal) else v) for k, v in p.items() if k != "label" or v}
                for p in iv.parts
            ]
        if iv.missing:
            detail["missing_inputs"] = iv.missing
        if iv.notes:
            detail["notes"] = iv.notes
        rows.append(
            {
                "entry": entry_id,
                "level": Level.INDICATOR,
                "code": code,
                "value": quantize(iv.value, 4),
                "n": iv.n,
                "ci_low": iv.ci[0] if iv.ci else None,
                "ci_high": iv.ci[1] if iv.ci else None,
                "low_n": iv.n is not None and iv.n < methodology.min_respondents,
                "detail": detail,
            }
        )
    for code, cv in org_score.criteria.items():
        detail = {"weights": {c: str(quantize(w, 6)) for c, w in cv.weights_used.items()}}
        if cv.excluded:
            detail["excluded"] = cv.excluded
        rows.append(
            {
                "entry": entry_id,
                "level": Level.CRITERION,
                "code": code,
                "value": quantize(cv.value, 4),
                "n": None,
                "ci_low": None,
                "ci_high": None,
                "low_n": False,
                "detail": detail,
            }
        )
    rows.append(
        {
            "entry": entry_id,
            "level": Level.TOTAL,
            "code": TOTAL_CODE,
            "value": quantize(org_score.total, 4),
            "n": None,
            "ci_low": None,
            "ci_high": None,
            "low_n": False,
            "detail": {},
        }
    )
    return rows


RESULT_FIELDS = [
    "cycle",
    "cycle_organization",
    "methodology",
    "methodology_version",
    "level",
    "code",
    "value",
    "n",
    "ci_low",
    "ci_high",
    "low_n",
    "status",
    "detail",
    "fingerprint",
    "computed_at",
]
# what a rating says (compared with the stored row to decide whether it is rewritten)
_RATING_CONTENT = ("group_key", "position", "group_size", "value", "status")
RATING_FIELDS = ["cycle", "cycle_organization", "code", "group", *_RATING_CONTENT, "computed_at"]


class _Entry(NamedTuple):
    """What a computation needs of one included organization of a cycle."""

    pk: int
    cycle_id: int
    organization_id: int
    org_type: str
    territory_id: int


@dataclass
class _CycleRun:
    """One cycle inside ``compute_cycles``: what was read, computed and is to be written."""

    cycle: Cycle
    methodology: Methodology
    entries: list[_Entry]
    target_status: str
    was_final: bool
    digest: str
    warnings: list[str]
    unchanged: bool = False
    values: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    meta: dict[int, dict[str, tuple[str, dict]]] = field(default_factory=dict)
    scores: dict[int, OrgScore] = field(default_factory=dict)
    computed: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    existing: dict[tuple[int, str], tuple] = field(default_factory=dict)  # (pk, status, fingerprint, value)
    changed: list[tuple[int, str]] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    value_changes: list[tuple[int, str]] = field(default_factory=list)
    ratings_rebuilt: bool = False
    shortcomings: dict[str, int] = field(default_factory=dict)
    run: ScoringRun | None = None


def _entries_of(cycle_ids: list[int]) -> dict[int, list[_Entry]]:
    found: dict[int, list[_Entry]] = {cycle_id: [] for cycle_id in cycle_ids}
    rows = (
        CycleOrganization.objects.filter(cycle_id__in=cycle_ids)
        .included()
        .order_by("organization__short_name", "pk")
        .values_list("pk", "cycle_id", "organization_id", "organization__org_type", "organization__territory_id")
    )
    for row in rows:
        found[row[1]].append(_Entry(*row))
    return found


def _final_cycle_ids(cycle_ids: Iterable[int]) -> set[int]:
    """The cycles that have final results."""
    final = Result.objects.filter(cycle=OuterRef("pk"), status=ResultStatus.FINAL)
    return set(Cycle.objects.filter(pk__in=list(cycle_ids)).filter(Exists(final)).values_list("pk", flat=True))


def _last_runs(cycle_ids: list[int]) -> dict[int, ScoringRun]:
    latest = (
        ScoringRun.objects.filter(cycle=OuterRef("pk"), status=ScoringRun.Status.DONE)
        .order_by("-started_at", "-pk")
        .values("pk")[:1]
    )
    last = dict(Cycle.objects.filter(pk__in=cycle_ids).annotate(last=Subquery(latest)).values_list("pk", "last"))
    runs = ScoringRun.objects.in_bulk([pk for pk in last.values() if pk])
    return {cycle_id: runs[pk] for cycle_id, pk in last.items() if pk}


def _result_counts(cycle_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for cycle_id, row_status, n in (
        Result.objects.filter(cycle_id__in=cycle_ids)
        .order_by()
        .values_list("cycle_id", "status")
        .annotate(n=Count("id"))
        .values_list("cycle_id", "status", "n")
    ):
        counts[cycle_id][row_status] = n
    return counts


def compute_cycle(
    cycle: Cycle,
    user=None,
    *,
    gather: bool = True,
    reason: str = "",
    status: str | None = None,
    job=None,
) -> ScoringRun:
    """Compute every organization of CYCLE from its ScoreInput rows (gathering first if asked).

    Idempotent: a second run with the same inputs changes nothing. Once results are final, a run that
    would change them needs a REASON; every changed final total is audited per organization.
    """
    return compute_cycles([cycle], user, gather=gather, reason=reason, status=status, job=job)[0]


def compute_cycles(
    cycles: Iterable[Cycle],
    user=None,
    *,
    gather: bool = True,
    reason: str = "",
    status: str | None = None,
    job=None,
) -> list[ScoringRun]:
    """``compute_cycle`` for many cycles at once (a whole region): every read is one query for all the cycles,
    every write one statement per table; one ScoringRun per cycle, in the order of CYCLES.

    Either every cycle is computed or, when a final cycle would change without a REASON, none
    (``ReasonRequired``).
    """
    cycles = list(cycles)
    for cycle in cycles:
        _check(can_compute(user, cycle))
    # a region's computation holds a few hundred thousand small objects alive until it ends: the cyclic
    # garbage collector would traverse them again and again (it more than doubles the time); nothing made
    # here is cyclic garbage
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _compute_cycles(cycles, user, gather=gather, reason=reason, status=status, job=job)
    finally:
        if collecting:
            gc.enable()


def _compute_cycles(
    cycles: list[Cycle], user, *, gather: bool, reason: str, status: str | None, job
) -> list[ScoringRun]:
    started = timezone.now()
    ids = [cycle.pk for cycle in cycles]
    methodologies: dict[str, Methodology] = {}
    for cycle in cycles:
        if cycle.methodology_version not in methodologies:
            methodologies[cycle.methodology_version] = methodology_for(cycle)
    stored = stored_inputs(ids)
    warnings: dict[int, list[str]] = {cycle_id: [] for cycle_id in ids}
    if gather:
        for cycle_id, gathered in gather_many(user, cycles, reason=reason, stored=stored).items():
            warnings[cycle_id] += gathered.warnings
    _refresh_ids(stored)
    entries = _entries_of(ids)
    progress = _Progress(job, sum(len(e) for e in entries.values()) + 2)
    final = _final_cycle_ids(ids)
    last_runs = _last_runs(ids)
    counts = _result_counts(ids)
    runs: list[_CycleRun] = []
    for cycle in cycles:
        methodology = methodologies[cycle.methodology_version]
        spec = _spec_of(methodology)
        cycle_entries = entries[cycle.pk]
        included = {e.pk for e in cycle_entries}
        plan = _CycleRun(
            cycle=cycle,
            methodology=methodology,
            entries=cycle_entries,
            target_status=status or (ResultStatus.FINAL if cycle.pk in final else ResultStatus.PRELIMINARY),
            was_final=cycle.pk in final,
            digest=_digest(stored[cycle.pk], included, methodology, [e.pk for e in cycle_entries]),
            warnings=warnings[cycle.pk],
        )
        runs.append(plan)
        last = last_runs.get(cycle.pk)
        stored_results = counts.get(cycle.pk, {})
        expected = (len(spec.indicators) + len(spec.criteria) + 1) * len(cycle_entries)
        if (
            last is not None
            and last.inputs_digest == plan.digest
            and last.result_status == plan.target_status
            and sum(stored_results.values()) == expected
            and set(stored_results) <= {plan.target_status}
        ):
            plan.unchanged = True
            plan.warnings += [w for w in last.warnings if w.startswith(COMPUTE_WARNING_PREFIXES)]
            progress.advance(len(cycle_entries))
            continue
        values, meta = _inputs_of(stored[cycle.pk], included)
        _score_cycle(plan, spec, values, meta, progress)
    computed = [plan for plan in runs if not plan.unchanged]
    _compare_results(computed)
    for plan in computed:
        if plan.was_final and plan.value_changes and not reason.strip():
            raise ReasonRequired("Результаты цикла утверждены как итоговые: пересчёт изменит их — укажите основание.")

    with transaction.atomic():
        _write_results(computed)
        _rebuild_ratings(computed)
        _sync_shortcomings(computed)
        finished = timezone.now()
        created = ScoringRun.objects.bulk_create(
            [
                ScoringRun(
                    cycle=plan.cycle,
                    methodology_version=plan.methodology.code,
                    result_status=plan.target_status,
                    reason=reason,
                    started_by=user if getattr(user, "pk", None) else None,
                    organizations=len(plan.entries),
                    results_changed=len(plan.changed) + len(plan.stale),
                    warnings=plan.warnings,
                    inputs_digest=plan.digest,
                    finished_at=finished,
                )
                for plan in runs
            ]
        )
        ScoringRun.objects.filter(pk__in=[run.pk for run in created]).update(started_at=started)
        for plan, run in zip(runs, created, strict=True):
            run.started_at = started
            plan.run = run
        _audit_result_changes(user, computed, reason)
        logged = []
        for plan in runs:
            if plan.unchanged:
                data = {
                    "run": plan.run.pk,
                    "methodology": plan.methodology.code,
                    "results_changed": 0,
                    "unchanged_inputs": True,
                }
            else:
                data = {
                    "run": plan.run.pk,
                    "methodology": plan.methodology.code,
                    "status": plan.target_status,
                    "organizations": len(plan.entries),
                    "results_changed": plan.run.results_changed,
                    "ratings_rebuilt": plan.ratings_rebuilt,
                    "shortcomings": plan.shortcomings,
                    "reason": reason,
                    "warnings": plan.warnings[:20],
                }
            logged.append({"target": plan.cycle, "territory_id": plan.cycle.territory_id, "data": data})
        _log_each(user, "scoring.cycle.computed", logged)
    progress.finish()
    return [plan.run for plan in runs]


class _Progress:
    """Job progress: organizations computed, reported every 200."""

    def __init__(self, job, total: int):
        self.job, self.total, self.done, self.pending = job, total, 0, 0
        if job is not None:
            from jobs.services import set_total

            set_total(job, total)

    def advance(self, count: int = 1) -> None:
        self.pending += count
        if self.job is not None and self.pending >= 200:
            from jobs.services import advance

            advance(self.job, self.pending)
            self.done += self.pending
            self.pending = 0

    def finish(self) -> None:
        if self.job is not None and self.total > self.done:
            from jobs.services import advance

            advance(self.job, self.total - self.done)
            self.done = self.total


def _score_cycle(plan: _CycleRun, spec: MethodologySpec, values, meta, progress: _Progress) -> None:
    """Score every organization of the cycle (lib.scoring_math) and lay out its result rows."""
    missing_by_key: dict[str, int] = defaultdict(int)
    no_total = 0
    for entry in plan.entries:
        org_score = score(spec, values.get(entry.pk, {}))
        plan.scores[entry.pk] = org_score
        for row in _result_rows(entry.pk, org_score, plan.methodology):
            # the detail is encoded once: the same text is fingerprinted and written
            row["detail"] = fastdb.JsonText(_DETAIL_JSON.encode(row["detail"]) if row["detail"] else "{}")
            row["fingerprint"] = _fingerprint(row)
            plan.computed[(entry.pk, row["code"])] = row
        for iv in org_score.indicators.values():
            for key in iv.missing:
                missing_by_key[key] += 1
        if org_score.total is None:
            no_total += 1
        progress.advance()
    plan.values, plan.meta = values, meta
    for key, count in sorted(missing_by_key.items()):
        plan.warnings.append(f"Нет значения «{key}» у {count} организаций — зависящие от него показатели не рассчитаны")
    if no_total:
        plan.warnings.append(f"Итоговый показатель не рассчитан у {no_total} организаций (не хватает данных)")


def _compare_results(plans: list[_CycleRun]) -> None:
    """The stored results of the cycles (one query) against the computed ones: what changed, what is stale."""
    if not plans:
        return
    by_cycle = {plan.cycle.pk: plan for plan in plans}
    for pk, cycle_id, entry_id, code, row_status, fingerprint, value in (
        Result.objects.filter(cycle_id__in=list(by_cycle))
        .order_by()
        .values_list("pk", "cycle_id", "cycle_organization_id", "code", "status", "fingerprint", "value")
    ):
        by_cycle[cycle_id].existing[(entry_id, code)] = (pk, row_status, fingerprint, value)
    for plan in plans:
        existing, target = plan.existing, plan.target_status
        for key, row in plan.computed.items():
            current = existing.get(key)
            if current is None:
                plan.changed.append(key)
            elif current[2] != row["fingerprint"] or current[1] != target:
                plan.changed.append(key)
                if _differs(current[3], row["value"]):
                    plan.value_changes.append(key)
        plan.stale = [current[0] for key, current in existing.items() if key not in plan.computed]


def _write_results(plans: list[_CycleRun]) -> None:
    """Stale and changed results are deleted, changed and new ones inserted (COPY)."""
    now = timezone.now()
    stale: list[int] = []
    inserts: list[tuple] = []
    for plan in plans:
        methodology, target = plan.methodology, plan.target_status
        stale += plan.stale
        for key in plan.changed:
            row = plan.computed[key]
            current = plan.existing.get(key)
            if current is not None:
                stale.append(current[0])
            inserts.append(
                (
                    plan.cycle.pk,
                    row["entry"],
                    methodology.pk,
                    methodology.code,
                    row["level"],
                    row["code"],
                    row["value"],
                    row["n"],
                    row["ci_low"],
                    row["ci_high"],
                    row["low_n"],
                    target,
                    row["detail"],
                    row["fingerprint"],
                    now,
                )
            )
    fastdb.delete_ids(Result, stale)
    fastdb.insert_rows(Result, RESULT_FIELDS, inserts)


def _audit_result_changes(user, plans: list[_CycleRun], reason: str) -> None:
    """One ``scoring.result.changed`` entry per organization whose final results a recomputation changed: the
    criteria and the total before and after."""
    from registry.models import Organization

    changes = [
        (plan, entry_id)
        for plan in plans
        if plan.was_final
        for entry_id in sorted({key[0] for key in plan.value_changes})
    ]
    if not changes:
        return
    organization_of = {entry.pk: entry.organization_id for plan in plans if plan.was_final for entry in plan.entries}
    organizations = Organization.objects.in_bulk({organization_of[entry_id] for _plan, entry_id in changes})
    entries = []
    for plan, entry_id in changes:
        existing, computed = plan.existing, plan.computed
        old = {code: existing[(entry_id, code)][3] if (entry_id, code) in existing else None for code in RATING_CODES}
        organization = organizations[organization_of[entry_id]]
        entries.append(
            {
                "target": organization,
                "organization_id": organization.pk,
                "before": {"total": _text(old[TOTAL_CODE]), **{c: _text(old[c]) for c in CRITERION_CODES}},
                "after": {
                    "total": _text(computed[(entry_id, TOTAL_CODE)]["value"]),
                    **{c: _text(computed[(entry_id, c)]["value"]) for c in CRITERION_CODES},
                },
                "data": {"cycle": plan.cycle.pk, "run": plan.run.pk, "reason": reason},
            }
        )
    _log_each(user, "scoring.result.changed", entries)


def _log_each(user, action: str, items: list[dict[str, Any]]) -> None:
    """``log_action`` for many targets at once: the first entry is written by ``log_action``, the others (the
    same action by the same person in the same request, for another target) are inserted together with COPY.

    Each item: ``target`` and, as plain JSON, ``before``/``after``/``data``; ``organization_id`` when the
    target is an organization, ``territory_id`` otherwise.
    """
    from audit.models import AuditEntry

    if not items:
        return
    head = items[0]
    first = log_action(
        user,
        action,
        head["target"],
        before=head.get("before"),
        after=head.get("after"),
        data=head.get("data"),
        territory=head.get("territory_id"),
    )
    fastdb.insert_rows(
        AuditEntry,
        [
            "created_at",
            "actor",
            "actor_name",
            "action",
            "target_type",
            "target_id",
            "target_repr",
            "organization",
            "territory",
            "before",
            "after",
            "data",
            "request_id",
        ],
        (
            (
                first.created_at,
                first.actor_id,
                first.actor_name,
                action,
                first.target_type,
                str(item["target"].pk),
                str(item["target"])[:500],
                item.get("organization_id"),
                None if item.get("organization_id") else item.get("territory_id"),
                item.get("before"),
                item.get("after"),
                item.get("data") or {},
                first.request_id,
            )
            for item in items[1:]
        ),
    )


def _text(value) -> str | None:
    return None if value is None else str(value)


def _fingerprint(row: dict[str, Any]) -> str:
    """A digest of everything a result row says, so a recomputation compares one short string per row (the
    detail as the JSON text that is written)."""
    text = f"{row['level']}|{row['value']}|{row['n']}|{row['ci_low']}|{row['ci_high']}|{row['low_n']}|{row['detail']}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _differs(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        if old is None or new is None:
            return old is not new
        return Decimal(old) != Decimal(new)
    return old != new


def _rebuild_ratings(plans: list[_CycleRun]) -> None:
    """Places by S and K1–K5 within the cycle, each organization type and each municipality.

    A cycle whose results did not change keeps its ratings when they are all there with the right status;
    otherwise the places are recomputed and only the rows that differ are written.
    """
    if not plans:
        return
    quiet = [plan.cycle.pk for plan in plans if not (plan.changed or plan.stale)]
    statuses: dict[int, set[str]] = defaultdict(set)
    if quiet:
        for cycle_id, row_status in (
            Rating.objects.filter(cycle_id__in=quiet).order_by().values_list("cycle_id", "status").distinct()
        ):
            statuses[cycle_id].add(row_status)
    rebuild = [
        plan
        for plan in plans
        if plan.changed or plan.stale or statuses.get(plan.cycle.pk, set()) != {plan.target_status}
    ]
    if not rebuild:
        return
    existing: dict[int, dict[tuple[int, str, str], tuple]] = defaultdict(dict)
    for pk, cycle_id, entry_id, code, group, *content in (
        Rating.objects.filter(cycle_id__in=[plan.cycle.pk for plan in rebuild])
        .order_by()
        .values_list("pk", "cycle_id", "cycle_organization_id", "code", "group", *_RATING_CONTENT)
    ):
        existing[cycle_id][(entry_id, code, group)] = (pk, tuple(content))
    now = timezone.now()
    stale: list[int] = []
    inserts: list[tuple] = []
    for plan in rebuild:
        plan.ratings_rebuilt = True
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for entry in plan.entries:
            groups[(RatingGroup.CYCLE, "")].append(entry.pk)
            groups[(RatingGroup.ORG_TYPE, entry.org_type)].append(entry.pk)
            groups[(RatingGroup.TERRITORY, str(entry.territory_id))].append(entry.pk)
        old = existing[plan.cycle.pk]
        seen: set[tuple[int, str, str]] = set()
        for (group, group_key), members in groups.items():
            for code in RATING_CODES:
                values = {}
                for entry_id in members:
                    value = plan.computed[(entry_id, code)]["value"]
                    if value is not None:
                        values[entry_id] = value
                for entry_id, place in competition_ranks(values, 2).items():
                    key = (entry_id, code, group)
                    seen.add(key)
                    content = (group_key, place, len(values), values[entry_id], plan.target_status)
                    current = old.get(key)
                    if current is not None and current[1] == content:
                        continue
                    if current is not None:
                        stale.append(current[0])
                    inserts.append((plan.cycle.pk, entry_id, code, group, *content, now))
        stale += [pk for key, (pk, _content) in old.items() if key not in seen]
    fastdb.delete_ids(Rating, stale)
    fastdb.insert_rows(Rating, RATING_FIELDS, inserts)


def _severity(methodology: Methodology, value: Decimal | None) -> str:
    if value is None:
        return Severity.MEDIUM
    if value < methodology.severity_high_below:
        return Severity.HIGH
    if value < methodology.severity_medium_below:
        return Severity.MEDIUM
    return Severity.LOW


def _spec_of(methodology: Methodology) -> MethodologySpec:
    cached = getattr(methodology, "_spec_cache", None)
    if cached is None:
        cached = methodology._spec_cache = methodology.spec()
    return cached


def derive_shortcomings(
    methodology: Methodology, org_score: OrgScore, values: dict[str, Decimal], meta: dict[str, tuple[str, dict]]
) -> list[dict[str, Any]]:
    """Every failed item and every survey share below the threshold, for one organization."""
    spec = _spec_of(methodology)
    threshold = Decimal(methodology.low_share_threshold) / 100
    found: list[dict[str, Any]] = []
    for ind in spec.indicators:
        iv = org_score.indicators[ind.code]
        base = {"indicator_code": ind.code, "criterion_code": ind.criterion, "value": quantize(iv.value, 4)}
        severity = _severity(methodology, iv.value)
        if ind.kind in ("checklist_ratio", "count_points"):
            keys = [p.num for p in ind.parts] if ind.kind == "checklist_ratio" else [*ind.count, *ind.count_optional]
            for key in keys:
                source, detail = meta.get(key, ("", {}))
                missing = (detail or {}).get("missing")
                if missing:
                    for number, item in enumerate(missing, start=1):
                        code = item.get("code") or f"item{number}"
                        found.append(
                            {
                                **base,
                                "kind": ShortcomingKind.ITEM_MISSING,
                                "item_code": f"{key}:{code}"[:120],
                                "text": MISSING_TEXT.get(key, "Не выполнено: {label}").format(
                                    label=item.get("label", code)
                                ),
                                "legal_basis": item.get("legal_basis") or ind.legal_basis,
                                "severity": severity,
                                "source": source,
                            }
                        )
                    continue
                if key not in values or key == K.SITE_BVI:
                    continue
                count = values[key]
                if key in REQUIRED_KEY:
                    required = values.get(REQUIRED_KEY[key])
                    if required is not None and count < required:
                        text = COUNT_TEXT[key].format(missing=int(required - count), required=int(required))
                    else:
                        continue
                else:
                    maximum = ind.max_items
                    if key == K.ACCESS_SERVICE_CONDITIONS:
                        count += values.get(K.SITE_BVI, Decimal(0))
                    if not maximum or count >= maximum:
                        continue
                    text = COUNT_TEXT.get(key, "Выполнено {count} из {max}").format(count=int(count), max=maximum)
                found.append(
                    {
                        **base,
                        "kind": ShortcomingKind.ITEMS_COUNT,
                        "item_code": key,
                        "text": text,
                        "legal_basis": ind.legal_basis,
                        "severity": severity,
                        "source": source,
                    }
                )
        elif ind.kind == "survey_share":
            for part in iv.parts:
                share = part.get("share")
                if share is None or part.get("zero_denominator") or share >= threshold:
                    continue
                item = part["num_key"].split(".")[1] if part["num_key"].startswith("survey.") else part["num_key"]
                percent = quantize(share * 100, 1)
                where = f" ({part['label']})" if part.get("label") else ""
                found.append(
                    {
                        **base,
                        "kind": ShortcomingKind.LOW_SHARE,
                        "item_code": f"survey:{item}",
                        "text": (
                            f"{ind.label}{where}: {str(percent).replace('.', ',')} % при пороге "
                            f"{quantize(Decimal(methodology.low_share_threshold), 0)!s} % "
                            f"(ответов: {int(part['den'])})"
                        ),
                        "legal_basis": ind.legal_basis,
                        "severity": _severity(methodology, share * 100),
                        "source": meta.get(part["num_key"], ("",))[0],
                    }
                )
    return found


_SHORTCOMING_FIELDS = ("criterion_code", "kind", "text", "legal_basis", "severity", "source", "value")
_shortcoming_key = operator.itemgetter("indicator_code", "item_code")
_shortcoming_fields = operator.itemgetter(*_SHORTCOMING_FIELDS)


def _sync_shortcomings(plans: list[_CycleRun]) -> None:
    """Create, update and deactivate Shortcoming rows so they match the inputs; never delete."""
    if not plans:
        return
    existing: dict[int, dict[tuple[int, str, str], tuple]] = defaultdict(dict)
    for pk, cycle_id, entry_id, indicator, item, active, *fields in (
        Shortcoming.objects.filter(cycle_id__in=[plan.cycle.pk for plan in plans])
        .order_by()
        .values_list(
            "pk", "cycle_id", "cycle_organization_id", "indicator_code", "item_code", "active", *_SHORTCOMING_FIELDS
        )
    ):
        existing[cycle_id][(entry_id, indicator, item)] = (pk, active, tuple(fields))
    now = timezone.now()
    to_create: list[tuple] = []
    to_update: list[tuple] = []
    retired: list[tuple] = []
    for plan in plans:
        old = existing[plan.cycle.pk]
        seen: set[tuple[int, str, str]] = set()
        created = updated = 0
        for entry in plan.entries:
            derived = derive_shortcomings(
                plan.methodology, plan.scores[entry.pk], plan.values.get(entry.pk, {}), plan.meta.get(entry.pk, {})
            )
            for row in derived:
                key = (entry.pk, *_shortcoming_key(row))
                if key in seen:
                    continue
                seen.add(key)
                fields = _shortcoming_fields(row)
                current = old.get(key)
                if current is None:
                    to_create.append((plan.cycle.pk, *key, *fields, True, now, now))
                    created += 1
                    continue
                pk, active, old_fields = current
                if active and old_fields == fields:
                    continue
                to_update.append((pk, *fields, True, now))
                updated += 1
        gone = [(pk, False, now) for key, (pk, active, _fields) in old.items() if key not in seen and active]
        retired += gone
        plan.shortcomings = {"created": created, "updated": updated, "retired": len(gone)}
    columns = ["cycle", "cycle_organization", "indicator_code", "item_code", *_SHORTCOMING_FIELDS]
    fastdb.insert_rows(Shortcoming, [*columns, "active", "created_at", "updated_at"], to_create)
    fastdb.update_rows(Shortcoming, [*_SHORTCOMING_FIELDS, "active", "updated_at"], to_update)
    fastdb.update_rows(Shortcoming, ["active", "updated_at"], retired)


def finalize_cycle(user, cycle: Cycle) -> int:
    """Approve the cycle's results as final (after the organizations' right of reply)."""
    _check(can_finalize(user, cycle))
    with transaction.atomic():
        if not Result.objects.filter(cycle=cycle).exists():
            raise ValidationError("Результаты ещё не рассчитаны")
        count = Result.objects.filter(cycle=cycle, status=ResultStatus.PRELIMINARY).update(status=ResultStatus.FINAL)
        Rating.objects.filter(cycle=cycle).update(status=ResultStatus.FINAL)
        missing_totals = Result.objects.filter(cycle=cycle, code=TOTAL_CODE, value__isnull=True).count()
        log_action(
            user,
            "scoring.cycle.finalized",
            cycle,
            territory=cycle.territory,
            data={"results": count, "organizations_without_total": missing_totals},
        )
    return count


def start_recompute(user, cycle: Cycle, *, reason: str = "", gather: bool = True):
    """Queue a recomputation job; the caller sends the user to the job's page."""
    from jobs.services import enqueue

    _check(can_compute(user, cycle))
    if is_final(cycle) and not reason.strip():
        raise ReasonRequired("Результаты цикла утверждены как итоговые: укажите основание пересчёта.")
    return enqueue(
        "scoring.compute",
        f"Расчёт показателей: {cycle}",
        user,
        cycle_id=cycle.pk,
        reason=reason,
        gather=gather,
    )


# --- reads ------------------------------------------------------------------------------------------


def cycle_status(cycle: Cycle) -> dict[str, Any]:
    results = Result.objects.filter(cycle=cycle, code=TOTAL_CODE)
    last_run = cycle.scoring_runs.first()
    return {
        "computed": results.exists(),
        "final": results.filter(status=ResultStatus.FINAL).exists(),
        "last_run": last_run,
        "organizations": results.count(),
    }


def result_table(user, cycle: Cycle) -> list[dict[str, Any]]:
    """One row per visible organization: criteria, total, place in the cycle."""
    rows: dict[int, dict[str, Any]] = {}
    results = (
        Result.objects.visible_to(user)
        .filter(cycle=cycle, level__in=[Level.CRITERION, Level.TOTAL])
        .select_related("cycle_organization__organization__territory")
        .only(
            "code",
            "value",
            "status",
            "cycle_organization_id",
            "cycle_organization__organization__short_name",
            "cycle_organization__organization__full_name",
            "cycle_organization__organization__org_type",
            "cycle_organization__organization__territory__name",
        )
    )
    for r in results:
        org = r.cycle_organization.organization
        row = rows.setdefault(
            r.cycle_organization_id,
            {"entry_id": r.cycle_organization_id, "organization": org, "status": r.status, "values": {}},
        )
        row["values"][r.code] = r.value
    places = dict(
        Rating.objects.filter(cycle=cycle, code=TOTAL_CODE, group=RatingGroup.CYCLE).values_list(
            "cycle_organization_id", "position"
        )
    )
    for row in rows.values():
        row["place"] = places.get(row["entry_id"])
        row["criteria"] = [row["values"].get(c) for c in CRITERION_CODES]
        row["total"] = row["values"].get(TOTAL_CODE)
    return sorted(rows.values(), key=lambda r: (r["place"] is None, r["place"] or 0, r["organization"].short_name))


AGGREGATE_GROUPS = {
    "territory": (
        "cycle_organization__organization__territory_id",
        "cycle_organization__organization__territory__name",
    ),
    "org_type": ("cycle_organization__organization__org_type", None),
    "cycle": ("cycle_id", "cycle__title"),
}


def aggregates(user, results_qs, *, by: str = "territory", codes: Iterable[str] = RATING_CODES) -> list[dict[str, Any]]:
    """Unweighted means with N per group (methodology §4), computed in SQL over visible results."""
    from registry.choices import OrgType

    key_field, label_field = AGGREGATE_GROUPS[by]
    codes = list(codes)
    fields = [key_field] + ([label_field] if label_field else [])
    qs = (
        results_qs.filter(code__in=codes, value__isnull=False)
        .values(*fields, "code")
        .annotate(mean=Avg("value"), n=Count("id"), low=Min("value"), high=Max("value"))
        .order_by()
    )
    groups: dict[Any, dict[str, Any]] = {}
    for row in qs:
        key = row[key_field]
        label = row[label_field] if label_field else OrgType.short_label(key)
        group = groups.setdefault(key, {"key": key, "label": label, "values": {}, "n": 0})
        group["values"][row["code"]] = {
            "mean": _dec(row["mean"]),
            "n": row["n"],
            "min": _dec(row["low"]),
            "max": _dec(row["high"]),
        }
        if row["code"] == TOTAL_CODE:
            group["n"] = row["n"]
    for group in groups.values():
        group["means"] = [group["values"].get(c, {}).get("mean") for c in codes]
    return sorted(groups.values(), key=lambda g: str(g["label"]))


def overall(results_qs, codes: Iterable[str] = RATING_CODES) -> dict[str, dict[str, Any]]:
    out = {}
    for row in (
        results_qs.filter(code__in=list(codes), value__isnull=False)
        .values("code")
        .annotate(mean=Avg("value"), n=Count("id"))
        .order_by()
    ):
        out[row["code"]] = {"mean": _dec(row["mean"]), "n": row["n"]}
    return out


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def rating_rows(user, cycle: Cycle, *, code: str = TOTAL_CODE, group: str = RatingGroup.CYCLE, group_key: str = ""):
    qs = (
        Rating.objects.visible_to(user)
        .filter(cycle=cycle, code=code, group=group)
        .select_related("cycle_organization__organization__territory")
        .order_by("group_key", "position", "cycle_organization__organization__short_name")
    )
    if group_key:
        qs = qs.filter(group_key=group_key)
    return qs


def leaders_and_worst(ratings: list[Rating], *, top: int = 10, share: Decimal | None = None):
    """Leaders (top N or a top share) and the worst as many, from an ordered rating list; ties kept together.

    An organization is among the worst when the last place its tie group occupies (two at 4th of 5 occupy
    4–5) falls within the last N places.
    """
    if not ratings:
        return [], []
    size = ratings[0].group_size
    count = max(1, int((Decimal(size) * share).to_integral_value())) if share else top
    leaders = [r for r in ratings if r.position <= count]
    tied = Counter(r.position for r in ratings)
    worst_cut = size - count + 1
    worst = [r for r in ratings if r.position + tied[r.position] - 1 >= worst_cut]
    worst.sort(key=lambda r: -r.position)
    return leaders, worst


def organization_card(user, entry: CycleOrganization) -> dict[str, Any]:
    results = list(Result.objects.visible_to(user).filter(cycle_organization=entry).select_related("methodology"))
    by_code = {r.code: r for r in results}
    methodology = results[0].methodology if results else methodology_for(entry.cycle)
    criteria = []
    for criterion in methodology.definition.get("criteria", []):
        code = criterion["code"]
        indicators = [
            {
                "code": ind,
                "weight": Decimal(str(w)),
                "result": by_code.get(ind),
                "label": methodology.indicator_label(ind),
                "explain": explain(by_code.get(ind), methodology),
            }
            for ind, w in criterion["weights"].items()
        ]
        criteria.append(
            {
                "code": code,
                "display": display_code(code),
                "label": criterion["label"],
                "result": by_code.get(code),
                "indicators": indicators,
            }
        )
    ratings = {
        (r.code, r.group): r
        for r in Rating.objects.visible_to(user).filter(cycle_organization=entry, code__in=RATING_CODES)
    }
    shortcomings = list(
        Shortcoming.objects.visible_to(user)
        .filter(cycle_organization=entry)
        .active()
        .order_by("criterion_code", "indicator_code", "item_code")
    )
    inputs = list(ScoreInput.objects.visible_to(user).filter(cycle_organization=entry).order_by("key"))
    return {
        "entry": entry,
        "methodology": methodology,
        "total": by_code.get(TOTAL_CODE),
        "criteria": criteria,
        "ratings": ratings,
        "shortcomings": shortcomings,
        "inputs": inputs,
        "level": methodology.level_for(by_code[TOTAL_CODE].value) if TOTAL_CODE in by_code else "",
    }


def explain(result: Result | None, methodology: Methodology | None = None) -> str:
    """How an indicator value came about, in words: «114 из 120; 141 из 150», «3 × 30 баллов»."""
    if result is None:
        return ""
    detail = result.detail or {}
    if detail.get("missing_inputs"):
        return "нет данных: " + ", ".join(detail["missing_inputs"])
    pieces = []
    for part in detail.get("parts", []):
        label = f"{part['label']}: " if part.get("label") else ""
        if "count" in part:
            rule = _indicator_rule(methodology, result.code)
            if rule:
                points, cap = rule
                pieces.append(f"{_int(part['count'])} × {_int(points)} баллов, не более {_int(cap)}")
            else:
                pieces.append(f"{_int(part['count'])}")
        elif part.get("zero_denominator"):
            policy = {"exclude": "исключено", "zero": "принято 0", "hundred": "принято 100"}[part["zero_denominator"]]
            pieces.append(f"{label}нет ответивших ({policy})")
        elif part.get("den") is not None and part.get("num") is not None:
            pieces.append(f"{label}{_int(part['num'])} из {_int(part['den'])}")
        elif part.get("missing"):
            pieces.append(f"{label}нет данных")
    return "; ".join(pieces)


def _indicator_rule(methodology: Methodology | None, code: str):
    if methodology is None:
        return None
    for indicator in methodology.definition.get("indicators", []):
        if indicator["code"] == code and indicator.get("points_each"):
            return indicator["points_each"], indicator.get("cap", 100)
    return None


def _int(value) -> str:
    number = Decimal(str(value))
    return str(int(number)) if number == number.to_integral_value() else str(number)
