"""Scoring: methodology versions (data), inputs, computed results, ratings and shortcomings.

Flow: collecting apps / XLSX import → ``ScoreInput`` → ``compute_cycle`` → ``Result``, ``Rating``,
``Shortcoming``. Downstream apps (plans, busgov, reports, portal) only read these models.

Codes: indicators "1.1" … "5.3", criteria "K1" … "K5" (Latin K), total "S".
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scopes import scope_for
from scoring.choices import (
    DenominatorMode,
    InputSource,
    Level,
    RatingGroup,
    ResultStatus,
    RoundingMode,
    Severity,
    ShortcomingKind,
    ZeroPolicy,
)

TOTAL_CODE = "S"
CRITERION_CODES = ("K1", "K2", "K3", "K4", "K5")


def display_code(code: str) -> str:
    """'K1' → 'К1' (Cyrillic, as printed in documents); indicator codes unchanged."""
    return code.replace("K", "К", 1) if code.startswith("K") else code


class MethodologyQuerySet(models.QuerySet):
    def for_cycle(self, cycle) -> Methodology:
        return self.get(code=cycle.methodology_version)


class Methodology(models.Model):
    """One version of the formula set (344н + 114), stored as data.

    ``definition`` holds criteria (weights), indicators (kind, input keys, points, cap, items with legal
    basis); see ``lib.scoring_math.MethodologySpec.from_dict`` for its shape. The switches below are the
    methodology's UNCONFIRMED points (methodology.md §3.1, §3.6, §10) kept as settings of the version.
    """

    code = models.CharField(_("код версии"), max_length=40, unique=True)
    title = models.CharField(_("наименование"), max_length=255)
    description = models.TextField(_("описание"), blank=True)
    definition = models.JSONField(_("определение показателей"), default=dict)
    denominator_mode = models.CharField(
        _("знаменатель долей (1.3 и др.)"),
        max_length=20,
        choices=DenominatorMode.choices,
        default=DenominatorMode.ANSWERED,
    )
    rounding_mode = models.CharField(
        _("округление"), max_length=20, choices=RoundingMode.choices, default=RoundingMode.FULL
    )
    zero_policy = models.CharField(
        _("нулевой знаменатель"), max_length=20, choices=ZeroPolicy.choices, default=ZeroPolicy.EXCLUDE
    )
    min_respondents = models.PositiveIntegerField(_("мало респондентов, если меньше"), default=10)
    low_share_threshold = models.DecimalField(
        _("порог низкой доли для недостатков"), max_digits=6, decimal_places=2, default=Decimal("80")
    )
    severity_high_below = models.DecimalField(
        _("высокая значимость недостатка, если показатель ниже"), max_digits=6, decimal_places=2, default=Decimal("50")
    )
    severity_medium_below = models.DecimalField(
        _("средняя значимость недостатка, если показатель ниже"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("80"),
    )
    publish_decimals = models.PositiveSmallIntegerField(_("знаков после запятой при публикации"), default=2)
    level_scale = models.JSONField(
        _("словесная шкала уровней"),
        default=list,
        blank=True,
        help_text=_("Список [нижняя граница, название]; по умолчанию пусто — официальной шкалы нет"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MethodologyQuerySet.as_manager()

    class Meta:
        verbose_name = _("версия методики")
        verbose_name_plural = _("версии методики")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    def spec(self):
        """The pure-math view of this version (lib.scoring_math.MethodologySpec)."""
        from lib.scoring_math import MethodologySpec

        return MethodologySpec.from_dict(
            self.definition,
            denominator_mode=self.denominator_mode,
            rounding_mode=self.rounding_mode,
            zero_policy=self.zero_policy,
        )

    def indicator_label(self, code: str) -> str:
        for indicator in self.definition.get("indicators", []):
            if indicator.get("code") == code:
                return indicator.get("label", code)
        for criterion in self.definition.get("criteria", []):
            if criterion.get("code") == code:
                return criterion.get("label", code)
        return code

    def level_for(self, value) -> str:
        label = ""
        if value is None:
            return label
        for bound, name in sorted(self.level_scale or [], key=lambda item: Decimal(str(item[0]))):
            if Decimal(str(value)) >= Decimal(str(bound)):
                label = name
        return label


class _ByOrganizationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_for(user).filter_by_organization(self, "cycle_organization__organization")

    def for_cycle(self, cycle):
        return self.filter(cycle=cycle)


class ScoreInput(models.Model):
    """One named number (lib.score_inputs key) for one organization of a cycle.

    A row is never changed in place: a changed value or detail replaces it (scoring.services._InputWrites), so
    the ids of a cycle's rows identify its inputs — the digest that lets a recomputation with nothing changed
    skip its work is taken over them."""

    # Written in bulk by scoring.services (tens of thousands of rows per computation): the foreign keys are kept
    # by Django (on_delete), not by a database check per written row. No index of their own: the (cycle, …)
    # index and the unique constraint below begin with these columns.
    cycle = models.ForeignKey(
        "cycles.Cycle",
        verbose_name=_("цикл"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    cycle_organization = models.ForeignKey(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="score_inputs",
        db_index=False,
        db_constraint=False,
    )
    key = models.CharField(_("ключ"), max_length=80)
    value = models.DecimalField(_("значение"), max_digits=14, decimal_places=4)
    source = models.CharField(_("источник"), max_length=20, choices=InputSource.choices)
    detail = models.JSONField(_("подробности"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)
    # SET_NULL is kept by Django, as the other foreign keys of the bulk-written rows
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("изменил"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
    )

    objects = _ByOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("исходное значение")
        verbose_name_plural = _("исходные значения")
        ordering = ["cycle_organization", "key"]
        constraints = [models.UniqueConstraint(fields=["cycle_organization", "key"], name="score_input_unique")]
        indexes = [models.Index(fields=["cycle", "key"], name="score_input_cycle_key")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class ScoringRun(models.Model):
    """One computation of a cycle: who, when, with which version, what it found."""

    class Status(models.TextChoices):
        DONE = "done", _("выполнен")
        FAILED = "failed", _("ошибка")

    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="scoring_runs"
    )
    methodology_version = models.CharField(_("версия методики"), max_length=40)
    status = models.CharField(_("состояние"), max_length=20, choices=Status.choices, default=Status.DONE)
    result_status = models.CharField(
        _("вид результатов"), max_length=20, choices=ResultStatus.choices, default=ResultStatus.PRELIMINARY
    )
    reason = models.TextField(_("основание пересчёта"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("запустил"), null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(_("начат"), auto_now_add=True)
    finished_at = models.DateTimeField(_("завершён"), null=True, blank=True)
    organizations = models.PositiveIntegerField(_("организаций"), default=0)
    results_changed = models.PositiveIntegerField(_("изменено результатов"), default=0)
    warnings = models.JSONField(_("предупреждения"), default=list, blank=True)
    inputs_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("расчёт")
        verbose_name_plural = _("расчёты")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.cycle} — {self.started_at:%d.%m.%Y %H:%M}"


class ResultQuerySet(_ByOrganizationQuerySet):
    def totals(self):
        return self.filter(level=Level.TOTAL)

    def final(self):
        return self.filter(status=ResultStatus.FINAL)

    def published(self):
        """Final results of cycles whose results the public may read (portal)."""
        from cycles.models import Cycle

        return self.filter(status=ResultStatus.FINAL, cycle__in=Cycle.objects.published())


class Result(models.Model):
    """A computed value: one indicator, criterion or the total of one organization of a cycle."""

    # Written in bulk by scoring.services (tens of thousands of rows per computation): the foreign keys are kept
    # by Django (on_delete), not by a database check per written row. No index of their own: the (cycle, …)
    # index and the unique constraint below begin with these columns.
    cycle = models.ForeignKey(
        "cycles.Cycle",
        verbose_name=_("цикл"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    cycle_organization = models.ForeignKey(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        db_constraint=False,
    )
    # PROTECT is kept by Django, as the other foreign keys of the bulk-written rows
    methodology = models.ForeignKey(
        Methodology,
        verbose_name=_("методика"),
        on_delete=models.PROTECT,
        related_name="results",
        db_constraint=False,
    )
    methodology_version = models.CharField(_("версия методики"), max_length=40)
    level = models.CharField(_("уровень"), max_length=20, choices=Level.choices)
    code = models.CharField(_("код"), max_length=10)
    value = models.DecimalField(_("значение"), max_digits=9, decimal_places=4, null=True, blank=True)
    n = models.PositiveIntegerField(_("число ответов (n)"), null=True, blank=True)
    ci_low = models.DecimalField(_("95% интервал: от"), max_digits=9, decimal_places=4, null=True, blank=True)
    ci_high = models.DecimalField(_("95% интервал: до"), max_digits=9, decimal_places=4, null=True, blank=True)
    low_n = models.BooleanField(_("мало респондентов"), default=False)
    status = models.CharField(
        _("статус"), max_length=20, choices=ResultStatus.choices, default=ResultStatus.PRELIMINARY
    )
    detail = models.JSONField(_("подробности расчёта"), default=dict, blank=True)
    fingerprint = models.CharField(max_length=32, blank=True, editable=False)  # of the computed content
    computed_at = models.DateTimeField(_("рассчитан"), auto_now=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("результат")
        verbose_name_plural = _("результаты")
        ordering = ["cycle_organization", "code"]
        constraints = [models.UniqueConstraint(fields=["cycle_organization", "code"], name="result_unique")]
        indexes = [models.Index(fields=["cycle", "code"], name="result_cycle_code")]

    def __str__(self) -> str:
        return f"{display_code(self.code)} = {self.value}"

    @property
    def label(self) -> str:
        return self.methodology.indicator_label(self.code) if self.code != TOTAL_CODE else str(_("Итоговый показатель"))

    @property
    def code_display(self) -> str:
        return display_code(self.code)

    @property
    def margin(self):
        """Half-width of the 95 % Wilson interval in points, if any."""
        if self.ci_low is None or self.ci_high is None:
            return None
        return (self.ci_high - self.ci_low) / 2


class Rating(models.Model):
    """A place of an organization by the total or one criterion within a cycle (or a type / municipality)."""

    # Written in bulk by scoring.services (tens of thousands of rows per computation): the foreign keys are kept
    # by Django (on_delete), not by a database check per written row. No index of their own: the (cycle, …)
    # index and the unique constraint below begin with these columns.
    cycle = models.ForeignKey(
        "cycles.Cycle",
        verbose_name=_("цикл"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    cycle_organization = models.ForeignKey(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="ratings",
        db_index=False,
        db_constraint=False,
    )
    code = models.CharField(_("по показателю"), max_length=10)
    group = models.CharField(_("группа"), max_length=20, choices=RatingGroup.choices, default=RatingGroup.CYCLE)
    group_key = models.CharField(_("ключ группы"), max_length=40, blank=True)  # org type or territory id
    position = models.PositiveIntegerField(_("место"))
    group_size = models.PositiveIntegerField(_("организаций в группе"))
    value = models.DecimalField(_("значение"), max_digits=9, decimal_places=4)
    status = models.CharField(
        _("статус"), max_length=20, choices=ResultStatus.choices, default=ResultStatus.PRELIMINARY
    )
    computed_at = models.DateTimeField(_("рассчитан"), auto_now=True)

    objects = _ByOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("место в рейтинге")
        verbose_name_plural = _("рейтинг")
        ordering = ["cycle", "code", "group", "group_key", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cycle_organization", "code", "group"], name="rating_unique"),
        ]
        indexes = [models.Index(fields=["cycle", "code", "group", "group_key", "position"], name="rating_lookup")]

    def __str__(self) -> str:
        return f"{display_code(self.code)}: {self.position} из {self.group_size}"


class ShortcomingQuerySet(_ByOrganizationQuerySet):
    def active(self):
        return self.filter(active=True)


class Shortcoming(models.Model):
    """A shortcoming found by the assessment: a failed checklist item or a low survey share.

    Rows are keyed by (organization of the cycle, indicator, item code) and never deleted by a
    recomputation: a shortcoming that no longer follows from the inputs becomes ``active=False``, so plan
    items that point at it keep their reference.
    """

    # Written in bulk by scoring.services: the foreign keys are kept by Django (on_delete), not by a database
    # check per written row; ``cycle_organization`` has no index of its own (the unique constraint begins with it)
    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    cycle_organization = models.ForeignKey(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="shortcomings",
        db_index=False,
        db_constraint=False,
    )
    indicator_code = models.CharField(_("показатель"), max_length=10)
    criterion_code = models.CharField(_("критерий"), max_length=10)
    kind = models.CharField(_("вид"), max_length=20, choices=ShortcomingKind.choices)
    item_code = models.CharField(_("код элемента"), max_length=120, blank=True)
    text = models.TextField(_("недостаток"))
    legal_basis = models.TextField(_("нормативное основание"), blank=True)
    severity = models.CharField(_("значимость"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    source = models.CharField(_("источник"), max_length=20, choices=InputSource.choices, blank=True)
    value = models.DecimalField(_("значение показателя"), max_digits=9, decimal_places=4, null=True, blank=True)
    active = models.BooleanField(_("действует"), default=True)
    created_at = models.DateTimeField(_("выявлен"), auto_now_add=True)
    updated_at = models.DateTimeField(_("обновлён"), auto_now=True)

    objects = ShortcomingQuerySet.as_manager()

    class Meta:
        verbose_name = _("недостаток")
        verbose_name_plural = _("недостатки")
        ordering = ["cycle_organization", "indicator_code", "item_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle_organization", "indicator_code", "item_code"], name="shortcoming_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code}: {self.text}"

    @property
    def criterion_display(self) -> str:
        return display_code(self.criterion_code)


class InputImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        from cycles.models import Cycle

        return self.filter(cycle__in=Cycle.objects.visible_to(user))


class InputImport(models.Model):
    """Operator's input files too large to load while the page waits: kept until a background job has checked and
    loaded them (``scoring.services.start_import``); the job's report, with the errors naming file, row and
    column, stays here."""

    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("загрузил"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("загружено"), auto_now_add=True)
    reason = models.TextField(_("основание изменения"), blank=True)
    dry_run = models.BooleanField(_("только проверка"), default=False)
    files = models.JSONField(_("файлы"), default=list, blank=True)  # [{"name", "path", "size"}]
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("фоновое задание"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    report = models.JSONField(_("итог проверки и загрузки"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("обработано"), null=True, blank=True)

    objects = InputImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("загрузка исходных данных")
        verbose_name_plural = _("загрузки исходных данных")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return ", ".join(f["name"] for f in self.files) or f"#{self.pk}"

    @property
    def size(self) -> int:
        return sum(f.get("size", 0) for f in self.files)
