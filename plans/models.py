"""Plans to remove shortcomings in the form of ПП РФ № 457 and their fulfilment.

One ``Plan`` per organization of a cycle (``CycleOrganization``): either a plan with items grouped by
criterion (sections I–V) or an exception (no plan, with the reason and the official explanation).
``PlanItem`` points at the ``scoring.Shortcoming`` it removes (shortcomings are never deleted, only
deactivated) and carries the columns of the form and the progress columns. ``PlanEvidence`` holds the
files and links that prove a measure was taken; ``PlanEvent`` is the plan's visible history (submitted,
returned with a comment, approved …), in addition to the audit log.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scopes import scope_for
from plans.choices import (
    CRITERION_CHOICES,
    SECTION_NUMERAL,
    SECTION_TITLE,
    ExceptionReason,
    ItemStatus,
    PlanStatus,
    ReviewAction,
)


def local_today(tz_name: str, now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in the time zone TZ_NAME (deadlines are dates in the organization's own zone)."""
    now = now or timezone.now()
    return now.astimezone(ZoneInfo(tz_name or settings.TIME_ZONE)).date()


class PlanSchedule(models.Model):
    """Deadlines of the plans of one cycle (UNCONFIRMED in the methodology, so data set by the authority)."""

    cycle = models.OneToOneField(
        "cycles.Cycle", verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="plan_schedule"
    )
    submit_by = models.DateField(_("организации представляют проекты планов до"), null=True, blank=True)
    approve_by = models.DateField(_("планы утверждаются до"), null=True, blank=True)
    publish_days = models.PositiveSmallIntegerField(_("размещение на bus.gov.ru: дней после утверждения"), default=5)
    report_every_months = models.PositiveSmallIntegerField(_("сведения о ходе реализации: раз в N месяцев"), default=6)
    default_deadline = models.DateField(_("плановый срок мероприятий по умолчанию"), null=True, blank=True)

    class Meta:
        verbose_name = _("сроки по планам")
        verbose_name_plural = _("сроки по планам")

    def __str__(self) -> str:
        return f"{self.cycle}: {self.approve_by or '—'}"


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanQuerySet:
        return scope_for(user).filter_by_organization(self, "cycle_organization__organization")

    def for_cycle(self, cycle) -> PlanQuerySet:
        return self.filter(cycle=cycle)

    def approved(self) -> PlanQuerySet:
        return self.filter(status=PlanStatus.APPROVED)

    def exceptions(self) -> PlanQuerySet:
        return self.exclude(exception_reason="")

    def proper(self) -> PlanQuerySet:
        """Plans with items (not exceptions)."""
        return self.filter(exception_reason="")

    def published(self) -> PlanQuerySet:
        return self.filter(status=PlanStatus.APPROVED, published=True)


class Plan(models.Model):
    cycle = models.ForeignKey("cycles.Cycle", verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="plans")
    cycle_organization = models.OneToOneField(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="plan",
    )
    year = models.PositiveSmallIntegerField(_("план на год"))
    status = models.CharField(_("статус"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    exception_reason = models.CharField(
        _("план не составляется"), max_length=30, choices=ExceptionReason.choices, default="", blank=True
    )
    exception_note = models.TextField(_("пояснение (для раздела «Иная информация»)"), blank=True)
    approver_name = models.CharField(_("утверждает: фамилия, инициалы"), max_length=300, blank=True)
    approver_position = models.CharField(_("утверждает: должность"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("направлен на утверждение"), null=True, blank=True)
    approved_at = models.DateTimeField(_("утверждён"), null=True, blank=True)
    approved_on = models.DateField(_("дата утверждения"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("утвердил"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_comment = models.TextField(_("замечания при возврате"), blank=True)
    published = models.BooleanField(_("размещён (bus.gov.ru, сайт организации)"), default=False)
    published_at = models.DateTimeField(_("отмечен как размещённый"), null=True, blank=True)
    published_url = models.URLField(_("ссылка на размещённый план"), max_length=500, blank=True)
    last_report_at = models.DateTimeField(_("сведения о ходе реализации представлены"), null=True, blank=True)
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("план по устранению недостатков")
        verbose_name_plural = _("планы по устранению недостатков")
        ordering = ["cycle", "cycle_organization__organization__short_name"]
        indexes = [models.Index(fields=["cycle", "status"], name="plan_cycle_status")]

    def __str__(self) -> str:
        return f"План {self.organization} на {self.year} год"

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def organization(self):
        return self.cycle_organization.organization

    @property
    def is_exception(self) -> bool:
        return bool(self.exception_reason)

    @property
    def is_editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)

    @property
    def timezone_name(self) -> str:
        return self.organization.effective_timezone


class PlanItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanItemQuerySet:
        return scope_for(user).filter_by_organization(self, "plan__cycle_organization__organization")

    def open(self) -> PlanItemQuerySet:
        return self.exclude(status=ItemStatus.DONE)

    def overdue_on(self, day: datetime.date) -> PlanItemQuerySet:
        """Items of approved plans not done whose deadline passed before DAY (one time zone's day)."""
        return self.open().filter(plan__status=PlanStatus.APPROVED, deadline__lt=day)


class PlanItem(models.Model):
    """One row of the ПП 457 form: a shortcoming, the measure, the deadline, the executor, the progress."""

    plan = models.ForeignKey(Plan, verbose_name=_("план"), on_delete=models.CASCADE, related_name="items")
    shortcoming = models.ForeignKey(
        "scoring.Shortcoming",
        verbose_name=_("недостаток (по результатам оценки)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    criterion_code = models.CharField(_("раздел (критерий)"), max_length=10, choices=CRITERION_CHOICES)
    indicator_code = models.CharField(_("показатель"), max_length=10, blank=True)
    order = models.PositiveIntegerField(_("порядок"), default=0)
    shortcoming_text = models.TextField(_("недостаток"))
    measure = models.TextField(_("мероприятие по устранению недостатка"), blank=True)
    deadline = models.DateField(_("плановый срок реализации"), null=True, blank=True)
    responsible_name = models.CharField(_("ответственный исполнитель (ФИО)"), max_length=300, blank=True)
    responsible_position = models.CharField(_("должность ответственного"), max_length=300, blank=True)
    planned_result = models.TextField(_("ожидаемый результат"), blank=True)
    status = models.CharField(
        _("ход реализации"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.PLANNED
    )
    actual_measures = models.TextField(_("реализованные меры по устранению недостатка"), blank=True)
    actual_date = models.DateField(_("фактический срок реализации"), null=True, blank=True)
    repeated = models.BooleanField(_("выявлен повторно"), default=False)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("мероприятие плана")
        verbose_name_plural = _("мероприятия плана")
        ordering = ["plan", "criterion_code", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "shortcoming"],
                condition=models.Q(shortcoming__isnull=False),
                name="plan_item_one_per_shortcoming",
            ),
        ]

    def __str__(self) -> str:
        return self.measure[:80] or self.shortcoming_text[:80]

    @property
    def section_numeral(self) -> str:
        return SECTION_NUMERAL.get(self.criterion_code, "")

    @property
    def section_title(self) -> str:
        return SECTION_TITLE.get(self.criterion_code, "")

    @property
    def responsible(self) -> str:
        return ", ".join(p for p in (self.responsible_name, self.responsible_position) if p)

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status != ItemStatus.DONE and self.deadline is not None and self.deadline < today


def evidence_path(instance: PlanEvidence, filename: str) -> str:
    return f"plans/evidence/{instance.item.plan_id}/{instance.item_id}/{filename}"


class PlanEvidence(models.Model):
    """A file or a link proving a measure was taken."""

    item = models.ForeignKey(PlanItem, verbose_name=_("мероприятие"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("файл"), upload_to=evidence_path, blank=True)
    original_name = models.CharField(_("имя файла"), max_length=255, blank=True)
    content_type = models.CharField(_("тип"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("размер, байт"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(_("ссылка"), max_length=500, blank=True)
    note = models.CharField(_("описание"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("загрузил"), null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(_("загружено"), auto_now_add=True)

    class Meta:
        verbose_name = _("подтверждение исполнения")
        verbose_name_plural = _("подтверждения исполнения")
        ordering = ["item", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name or self.url


class PlanEvent(models.Model):
    """The history of a plan shown on its page: who submitted, returned (with comments), approved."""

    plan = models.ForeignKey(Plan, verbose_name=_("план"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("действие"), max_length=30, choices=ReviewAction.choices)
    comment = models.TextField(_("комментарий"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), null=True, blank=True, on_delete=models.SET_NULL
    )
    user_name = models.CharField(_("кто"), max_length=300, blank=True)
    at = models.DateTimeField(_("когда"), default=timezone.now)

    class Meta:
        verbose_name = _("событие плана")
        verbose_name_plural = _("история плана")
        ordering = ["plan", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%d.%m.%Y})"
