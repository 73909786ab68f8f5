"""Official website checks: versioned rules, runs over a cycle, checks, evidence pages, findings.

* ``SiteRuleSet`` / ``SiteRule`` — the website requirements as data, one set per version code
  (``cycles.Cycle.site_rules_version``, default ``1493-v1``), loaded from ``sitecheck/rules/<code>.json``.
* ``SiteCheckRun`` — a mass run over the organizations of a cycle (a background job, pausable).
* ``SiteCheck`` — one check of one organization's site, bound to its ``CycleOrganization`` (or ad hoc),
  with the counts that feed scoring (1.1 site part, 1.2, 3.2) and the evidence hash.
* ``SitePage`` — a fetched page: address, HTTP status, SHA-256, the stored snapshot.
* ``SiteFinding`` — one rule's result (subsection, itemprop, status, legal basis, recommendation).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scopes import scope_for


class SiteRuleSet(models.Model):
    code = models.CharField(_("код версии"), max_length=40, unique=True)
    title = models.CharField(_("наименование"), max_length=500)
    valid_from = models.DateField(_("действует с"), null=True, blank=True)
    valid_until = models.DateField(_("действует по"), null=True, blank=True)
    data = models.JSONField(_("описание версии"), default=dict, help_text=_("разделы, устаревшие имена, признаки"))
    loaded_at = models.DateTimeField(_("загружено"), auto_now=True)

    class Meta:
        verbose_name = _("версия требований к сайту")
        verbose_name_plural = _("версии требований к сайту")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class SiteRule(models.Model):
    class Requirement(models.TextChoices):
        REQUIRED = "R", _("обязательно")
        CONDITIONAL = "C", _("при наличии")

    rule_set = models.ForeignKey(SiteRuleSet, verbose_name=_("версия"), on_delete=models.CASCADE, related_name="rules")
    section = models.CharField(_("подраздел"), max_length=40)
    section_title = models.CharField(_("наименование подраздела"), max_length=300)
    parent = models.CharField(_("родительский элемент"), max_length=80, blank=True)
    itemprop = models.CharField("itemprop", max_length=80)
    requirement = models.CharField(_("обязательность"), max_length=1, choices=Requirement.choices)
    types = models.JSONField(_("типы организаций (пусто — все)"), default=list, blank=True)
    required_types = models.JSONField(_("обязательно для типов"), default=list, blank=True)
    required_from = models.DateField(_("обязательно с"), null=True, blank=True)
    required_until = models.DateField(_("обязательно до"), null=True, blank=True)
    also_in = models.JSONField(_("принимается также в подразделах"), default=list, blank=True)
    label = models.CharField(_("сведения"), max_length=500)
    legal_basis = models.CharField(_("основание"), max_length=500)
    note = models.TextField(_("примечание"), blank=True)
    order = models.PositiveIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("правило разметки сайта")
        verbose_name_plural = _("правила разметки сайта")
        ordering = ["rule_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "section", "parent", "itemprop"], name="siterule_unique"),
        ]

    def __str__(self) -> str:
        where = f"{self.parent} › " if self.parent else ""
        return f"{self.section}: {where}{self.itemprop}"


class SiteCheckRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> SiteCheckRunQuerySet:
        scope = scope_for(user)
        if scope.sees_everything:
            return self
        if scope.is_anonymous or not scope.territory_ids:
            return self.none()
        return self.filter(cycle__territory_id__in=scope.territory_ids)


class SiteCheckRun(models.Model):
    """All organizations of a cycle checked as one background job."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("в очереди")
        RUNNING = "running", _("выполняется")
        PAUSED = "paused", _("приостановлена")
        DONE = "done", _("завершена")
        FAILED = "failed", _("ошибка")

    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="site_runs"
    )
    title = models.CharField(_("название"), max_length=300)
    status = models.CharField(_("состояние"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    rules_version = models.CharField(_("версия требований"), max_length=40)
    tolerant = models.BooleanField(_("учитывать устаревшие имена"), default=False)
    total = models.PositiveIntegerField(_("всего организаций"), default=0)
    done = models.PositiveIntegerField(_("проверено"), default=0)
    failed = models.PositiveIntegerField(_("сайт недоступен"), default=0)
    job = models.ForeignKey(
        "jobs.Job", verbose_name=_("задание"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("запустил"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    finished_at = models.DateTimeField(_("завершена"), null=True, blank=True)
    error = models.TextField(_("ошибка"), blank=True)

    objects = SiteCheckRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("массовая проверка сайтов")
        verbose_name_plural = _("массовые проверки сайтов")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sitecheck:run", args=[self.pk])

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class SiteCheckQuerySet(models.QuerySet):
    def visible_to(self, user) -> SiteCheckQuerySet:
        return scope_for(user).filter_by_organization(self, "organization")

    def finished(self) -> SiteCheckQuerySet:
        return self.filter(status=SiteCheck.Status.DONE)

    def current_for_cycle(self, cycle) -> SiteCheckQuerySet:
        """The latest finished check of each organization of CYCLE (what scoring uses)."""
        return self.current_for_cycles([cycle.pk])

    def current_for_cycles(self, cycle_ids) -> SiteCheckQuerySet:
        """The latest finished check of each organization of the cycles with CYCLE_IDS."""
        latest = (
            SiteCheck.objects.filter(cycle_organization=models.OuterRef("cycle_organization"), status="done")
            .order_by("-finished_at", "-pk")
            .values("pk")[:1]
        )
        return self.filter(cycle_organization__cycle_id__in=cycle_ids, status="done", pk=models.Subquery(latest))


class SiteCheck(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("в очереди")
        RUNNING = "running", _("выполняется")
        DONE = "done", _("завершена")
        FAILED = "failed", _("не выполнена")

    class Mode(models.TextChoices):
        STRICT = "strict", _("строгий (как АИС «Мониторинг»)")
        TOLERANT = "tolerant", _("с учётом устаревших имён")

    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("организация"), on_delete=models.CASCADE, related_name="site_checks"
    )
    cycle_organization = models.ForeignKey(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="site_checks",
    )
    run = models.ForeignKey(
        SiteCheckRun,
        verbose_name=_("массовая проверка"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checks",
    )
    job = models.ForeignKey(
        "jobs.Job", verbose_name=_("задание"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rules_version = models.CharField(_("версия требований"), max_length=40)
    org_type = models.CharField(_("тип организации (по требованиям)"), max_length=10, blank=True)
    mode = models.CharField(_("режим"), max_length=10, choices=Mode.choices, default=Mode.STRICT)
    evaluated_on = models.DateField(_("дата, на которую оценены требования"))
    url = models.CharField(_("адрес сайта"), max_length=500, blank=True)
    final_url = models.CharField(_("адрес после перенаправлений"), max_length=1000, blank=True)
    status = models.CharField(_("состояние"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    site_error = models.TextField(_("сайт недоступен"), blank=True)
    error = models.TextField(_("ошибка проверки"), blank=True)
    items_required = models.PositiveIntegerField(_("обязательных сведений"), default=0)
    items_placed = models.PositiveIntegerField(_("размещено сведений"), default=0)
    channel_count = models.PositiveSmallIntegerField(_("дистанционных способов"), default=0)
    channels = models.JSONField(_("дистанционные способы"), default=dict, blank=True)
    has_bvi = models.BooleanField(_("версия для слабовидящих"), default=False)
    has_questionnaire = models.BooleanField(_("анкета НОКО или ссылка на неё"), default=False)
    section_found = models.BooleanField(_("раздел «Сведения…» найден"), default=False)
    summary = models.JSONField(_("сводка"), default=dict, blank=True)
    pages_count = models.PositiveIntegerField(_("страниц"), default=0)
    bytes_total = models.PositiveBigIntegerField(_("байт"), default=0)
    evidence_sha256 = models.CharField(_("хеш снимка"), max_length=64, blank=True)
    duration_ms = models.PositiveIntegerField(_("длительность, мс"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("запустил"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    started_at = models.DateTimeField(_("начата"), null=True, blank=True)
    finished_at = models.DateTimeField(_("завершена"), null=True, blank=True, db_index=True)

    objects = SiteCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("проверка сайта")
        verbose_name_plural = _("проверки сайтов")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["cycle_organization", "status", "finished_at"])]

    def __str__(self) -> str:
        return f"{self.organization} — {self.created_at:%d.%m.%Y %H:%M}" if self.created_at else str(self.organization)

    def get_absolute_url(self) -> str:
        return reverse("sitecheck:check", args=[self.pk])

    @property
    def items_percent(self) -> int:
        return round(100 * self.items_placed / self.items_required) if self.items_required else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class SitePage(models.Model):
    """A fetched page kept as evidence: where, when, what came back, its hash and the snapshot."""

    site_check = models.ForeignKey(
        SiteCheck, verbose_name=_("проверка"), on_delete=models.CASCADE, related_name="pages"
    )
    role = models.CharField(_("роль"), max_length=20)
    sections = models.JSONField(_("подразделы"), default=list, blank=True)
    url = models.CharField(_("адрес"), max_length=1000)
    final_url = models.CharField(_("итоговый адрес"), max_length=1000, blank=True)
    status_code = models.PositiveSmallIntegerField(_("код ответа"), default=0)
    content_type = models.CharField(_("тип содержимого"), max_length=200, blank=True)
    encoding = models.CharField(_("кодировка"), max_length=40, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField(_("размер, байт"), default=0)
    truncated = models.BooleanField(_("обрезана по размеру"), default=False)
    error = models.TextField(_("ошибка"), blank=True)
    redirects = models.JSONField(_("перенаправления"), default=list, blank=True)
    snapshot = models.FileField(_("снимок"), upload_to="sitecheck/evidence/", blank=True, max_length=300)
    fetched_at = models.DateTimeField(_("загружена"))

    class Meta:
        verbose_name = _("страница-доказательство")
        verbose_name_plural = _("страницы-доказательства")
        ordering = ["site_check", "pk"]

    def __str__(self) -> str:
        return self.final_url or self.url


class SiteFinding(models.Model):
    class Kind(models.TextChoices):
        RULE = "rule", _("сведения (itemprop)")
        WARNING = "warning", _("замечание")
        FOREIGN = "foreign", _("имя не из словаря")
        SITE = "site", _("сайт")
        CHANNEL = "channel", _("дистанционный способ взаимодействия")

    site_check = models.ForeignKey(
        SiteCheck, verbose_name=_("проверка"), on_delete=models.CASCADE, related_name="findings"
    )
    section = models.CharField(_("подраздел"), max_length=40, blank=True)
    code = models.CharField(_("код"), max_length=160)
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("результат"), max_length=20)
    itemprop = models.CharField("itemprop", max_length=120, blank=True)
    required = models.BooleanField(_("обязательно"), default=False)
    placed = models.BooleanField(_("размещено"), default=False)
    label = models.CharField(_("сведения"), max_length=500)
    legal_basis = models.CharField(_("основание"), max_length=500, blank=True)
    message = models.TextField(_("рекомендация"), blank=True)
    url = models.CharField(_("страница"), max_length=1000, blank=True)
    data = models.JSONField(_("подробности"), default=dict, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("результат проверки сайта")
        verbose_name_plural = _("результаты проверки сайта")
        ordering = ["site_check", "order"]
        indexes = [models.Index(fields=["site_check", "kind"])]

    def __str__(self) -> str:
        return f"{self.code}: {self.status}"

    @property
    def is_problem(self) -> bool:
        return (self.required and not self.placed) or self.kind in ("warning", "foreign")


RUN_ROLES = (Role.OPERATOR, Role.REGIONAL, Role.MUNICIPAL)
