"""Expert checklists (stands, comfort, accessibility), their results, evidence and the right of reply.

* ``Checklist``/``ChecklistItem`` — a versioned list of items as data; a cycle picks one by
  ``Cycle.checklist_version``.
* ``ChecklistResult`` — one filled checklist for one organization of a cycle (and one building: the
  main one or a branch), with a ``ChecklistMark`` per applicable item.
* ``Evidence`` — photos, documents and links attached to a mark, a remote-mode upload or a dispute.
* ``ExpertiseSettings`` — per cycle: the right-of-reply window and the rule for several buildings.
* ``Dispute`` — the organization contests one mark; the operator or the council decides.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scopes import scope_for
from cycles.models import PHASE_ORDER, Phase
from expertise.choices import (
    OPEN_DISPUTE_STATUSES,
    BranchRule,
    DisputeStatus,
    EvidenceKind,
    EvidenceSource,
    Mark,
    ResultStatus,
    Section,
    VisitMode,
)


def organization_only(user) -> bool:
    """True for a user whose only role is staff of an organization (sees own submitted results only)."""
    scope = scope_for(user)
    return bool(scope.roles) and not scope.sees_everything and scope.roles <= {Role.ORG_STAFF}


DISCLOSED_PHASES = PHASE_ORDER[PHASE_ORDER.index(Phase.PRELIMINARY) :]


def _disclosed(prefix: str) -> models.Q:
    """Results an organization may read: the reply window has opened or the cycle has reached preliminary results."""
    return models.Q(**{f"{prefix}cycle__phase__in": DISCLOSED_PHASES}) | models.Q(
        **{f"{prefix}cycle__expertise_settings__reply_opens_at__lte": timezone.now()}
    )


class Checklist(models.Model):
    """One version of the expert checklist (code such as ``114-v1``)."""

    code = models.CharField(_("код версии"), max_length=40, unique=True)
    title = models.CharField(_("наименование"), max_length=500)
    note = models.TextField(_("примечание об источниках"), blank=True)
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    class Meta:
        verbose_name = _("версия чек-листа")
        verbose_name_plural = _("версии чек-листов")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("expertise:checklist", args=[self.code])

    def items_for(self, org_type: str) -> list[ChecklistItem]:
        return [item for item in self.items.all() if item.applies_to(org_type)]


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, verbose_name=_("чек-лист"), on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("код пункта"), max_length=80)
    section = models.CharField(_("раздел"), max_length=20, choices=Section.choices)
    indicator = models.CharField(_("показатель"), max_length=10)
    label = models.TextField(_("формулировка"))
    legal_basis = models.TextField(_("правовое основание"), blank=True)
    org_types = models.JSONField(_("типы организаций"), default=list, blank=True, help_text=_("пусто — все типы"))
    allows_na = models.BooleanField(_("допускается «не применимо»"), default=False)
    hint = models.TextField(_("что проверить"), blank=True)
    order = models.PositiveIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("пункт чек-листа")
        verbose_name_plural = _("пункты чек-листа")
        ordering = ["checklist", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="expertise_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} — {self.label[:80]}"

    def applies_to(self, org_type: str) -> bool:
        return not self.org_types or org_type in self.org_types


class ExpertiseSettings(models.Model):
    """Per-cycle settings of the expertise: the right-of-reply window and the several-buildings rule."""

    cycle = models.OneToOneField(
        "cycles.Cycle", verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="expertise_settings"
    )
    branch_rule = models.CharField(
        _("учёт нескольких зданий (филиалов)"),
        max_length=10,
        choices=BranchRule.choices,
        blank=True,
        help_text=_("пусто — правило по умолчанию из настроек системы"),
    )
    reply_opens_at = models.DateTimeField(_("приём возражений открыт с"), null=True, blank=True)
    reply_closes_at = models.DateTimeField(_("срок подачи возражений"), null=True, blank=True)
    reply_working_days = models.PositiveSmallIntegerField(_("рабочих дней на возражения"), null=True, blank=True)

    class Meta:
        verbose_name = _("настройки экспертизы цикла")
        verbose_name_plural = _("настройки экспертизы циклов")

    def __str__(self) -> str:
        return f"{self.cycle}"

    @property
    def effective_branch_rule(self) -> str:
        from expertise.conf import default_branch_rule

        return self.branch_rule or default_branch_rule()

    def reply_state(self, now=None) -> str:
        """``"none"`` (not opened), ``"open"`` or ``"closed"``."""
        now = now or timezone.now()
        if not self.reply_opens_at or now < self.reply_opens_at:
            return "none"
        if self.reply_closes_at and now > self.reply_closes_at:
            return "closed"
        return "open"


class ExpertAssignment(models.Model):
    """An operator's expert assigned to visit an organization; when a CycleOrganization has assignments,
    only the assigned experts (and administrators) fill its checklist."""

    cycle_organization = models.ForeignKey(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="expert_assignments",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("эксперт"), on_delete=models.CASCADE, related_name="+"
    )
    assigned_at = models.DateTimeField(_("назначен"), auto_now_add=True)

    class Meta:
        verbose_name = _("назначение эксперта")
        verbose_name_plural = _("назначения экспертов")
        constraints = [
            models.UniqueConstraint(fields=["cycle_organization", "expert"], name="expertise_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.cycle_organization}"


class ChecklistResultQuerySet(models.QuerySet):
    def visible_to(self, user) -> ChecklistResultQuerySet:
        queryset = scope_for(user).filter_by_organization(self, "cycle_organization__organization")
        if organization_only(user):
            queryset = queryset.filter(status=ResultStatus.SUBMITTED).filter(_disclosed("cycle_organization__"))
        return queryset

    def submitted(self) -> ChecklistResultQuerySet:
        return self.filter(status=ResultStatus.SUBMITTED)


class ChecklistResult(models.Model):
    """The checklist of one organization of a cycle, for one building (main building or a branch)."""

    cycle_organization = models.ForeignKey(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="checklist_results",
    )
    building = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("филиал (пусто — основное здание)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("версия чек-листа"), on_delete=models.PROTECT, related_name="results"
    )
    mode = models.CharField(_("способ"), max_length=10, choices=VisitMode.choices, default=VisitMode.VISIT)
    status = models.CharField(_("состояние"), max_length=12, choices=ResultStatus.choices, default=ResultStatus.DRAFT)
    visited_on = models.DateField(_("дата посещения"), null=True, blank=True)
    note = models.TextField(_("общий комментарий эксперта"), blank=True)
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("эксперт"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)
    submitted_at = models.DateTimeField(_("отправлен"), null=True, blank=True)

    objects = ChecklistResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("результат чек-листа")
        verbose_name_plural = _("результаты чек-листов")
        ordering = ["cycle_organization", "building_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle_organization", "building"], name="expertise_result_unique_building"),
            models.UniqueConstraint(
                fields=["cycle_organization"],
                condition=models.Q(building__isnull=True),
                name="expertise_result_unique_main",
            ),
        ]

    def __str__(self) -> str:
        where = f" ({self.building})" if self.building_id else ""
        return f"{_('Чек-лист')}: {self.cycle_organization.organization}{where}"

    def get_absolute_url(self) -> str:
        return reverse("expertise:result", args=[self.pk])

    @property
    def organization(self):
        return self.cycle_organization.organization

    @property
    def is_draft(self) -> bool:
        return self.status == ResultStatus.DRAFT


class ChecklistMark(models.Model):
    """The mark for one item of one result. ``preliminary_value`` keeps the value as it stood when the
    right-of-reply window opened; accepted disputes change ``value`` only."""

    result = models.ForeignKey(
        ChecklistResult, verbose_name=_("результат"), on_delete=models.CASCADE, related_name="marks"
    )
    item = models.ForeignKey(ChecklistItem, verbose_name=_("пункт"), on_delete=models.PROTECT, related_name="marks")
    value = models.CharField(_("отметка"), max_length=3, choices=Mark.choices, blank=True, default=Mark.BLANK)
    preliminary_value = models.CharField(
        _("предварительная отметка"), max_length=3, choices=Mark.choices, null=True, blank=True
    )
    comment = models.TextField(_("комментарий"), blank=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("отметка")
        verbose_name_plural = _("отметки")
        ordering = ["result", "item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["result", "item"], name="expertise_mark_unique")]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.get_value_display()}"

    @property
    def changed_in_interaction(self) -> bool:
        return self.preliminary_value is not None and self.preliminary_value != self.value


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> EvidenceQuerySet:
        queryset = scope_for(user).filter_by_organization(self, "cycle_organization__organization")
        if organization_only(user):
            shown = ChecklistResult.objects.visible_to(user).values("pk")
            queryset = queryset.filter(
                models.Q(result__in=shown) | models.Q(source__in=[EvidenceSource.ORGANIZATION, EvidenceSource.DISPUTE])
            )
        return queryset


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"expertise/{instance.cycle_organization.cycle_id}/{instance.cycle_organization_id}/{filename}"


class Evidence(models.Model):
    """A photo, a document or a link supporting a mark, a remote-mode upload or a dispute."""

    cycle_organization = models.ForeignKey(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="expertise_evidence",
    )
    result = models.ForeignKey(
        ChecklistResult,
        verbose_name=_("результат"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("пункт"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dispute = models.ForeignKey(
        "Dispute",
        verbose_name=_("возражение"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    kind = models.CharField(_("вид"), max_length=10, choices=EvidenceKind.choices)
    source = models.CharField(
        _("источник"), max_length=15, choices=EvidenceSource.choices, default=EvidenceSource.EXPERT
    )
    file = models.FileField(_("файл"), upload_to=evidence_path, max_length=300, blank=True)
    thumbnail = models.FileField(_("миниатюра"), upload_to=evidence_path, max_length=300, blank=True)
    url = models.URLField(_("ссылка"), max_length=1000, blank=True)
    original_name = models.CharField(_("имя файла"), max_length=255, blank=True)
    content_type = models.CharField(_("тип содержимого"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("размер исходного файла, байт"), default=0)
    sha256 = models.CharField(_("SHA-256 исходного файла"), max_length=64, blank=True, db_index=True)
    stored_sha256 = models.CharField(_("SHA-256 хранимого файла"), max_length=64, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    captured_at = models.DateTimeField(_("время съёмки"), null=True, blank=True)
    caption = models.CharField(_("подпись"), max_length=500, blank=True)
    uploaded_at = models.DateTimeField(_("загружено"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("загрузил"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("подтверждающий материал")
        verbose_name_plural = _("подтверждающие материалы")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name or self.url or f"#{self.pk}"

    @property
    def is_image(self) -> bool:
        return self.kind == EvidenceKind.PHOTO

    def file_url(self) -> str:
        return reverse("expertise:evidence_file", args=[self.pk])

    def thumbnail_url(self) -> str:
        return reverse("expertise:evidence_thumbnail", args=[self.pk])


class DisputeQuerySet(models.QuerySet):
    def visible_to(self, user) -> DisputeQuerySet:
        return scope_for(user).filter_by_organization(self, "mark__result__cycle_organization__organization")

    def unresolved(self) -> DisputeQuerySet:
        return self.filter(status__in=OPEN_DISPUTE_STATUSES)


class Dispute(models.Model):
    """The organization's objection to one mark (right of reply) and its decision."""

    mark = models.ForeignKey(
        ChecklistMark, verbose_name=_("отметка"), on_delete=models.CASCADE, related_name="disputes"
    )
    requested_value = models.CharField(_("организация просит отметку"), max_length=3, choices=Mark.choices)
    text = models.TextField(_("текст возражения"))
    status = models.CharField(_("состояние"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    value_before = models.CharField(_("отметка до решения"), max_length=3, choices=Mark.choices, blank=True)
    created_at = models.DateTimeField(_("подано"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("подал"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("решение принял"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(_("обоснование решения"), blank=True)
    referred_at = models.DateTimeField(_("передано в совет"), null=True, blank=True)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        verbose_name = _("возражение организации")
        verbose_name_plural = _("возражения организаций")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{_('Возражение')} №{self.pk}: {self.mark.item.code}"

    def get_absolute_url(self) -> str:
        return reverse("expertise:dispute", args=[self.pk])

    @property
    def cycle_organization(self):
        return self.mark.result.cycle_organization

    @property
    def organization(self):
        return self.mark.result.cycle_organization.organization

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_DISPUTE_STATUSES
