"""Assessment cycles: one year of НОКО for a territory and its list of organizations.

Other apps bind their data to a ``CycleOrganization`` (one organization in one cycle).
The versions of the methodology, questionnaire, checklists and website rules a cycle uses
are stored as codes; each owning app keeps the versioned rows under that code.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scopes import scope_for


class Phase(models.TextChoices):
    PREPARATION = "preparation", _("подготовка")
    COLLECTION = "collection", _("сбор данных")
    PRELIMINARY = "preliminary", _("предварительные результаты")
    INTERACTION = "interaction", _("взаимодействие с организациями")
    FINAL = "final", _("итоговые результаты")
    COUNCIL = "council", _("решение общественного совета")
    PUBLICATION = "publication", _("публикация")
    PLANS = "plans", _("планы по устранению недостатков")
    CONTROL = "control", _("контроль исполнения")
    CLOSED = "closed", _("завершён")


PHASE_ORDER = [p.value for p in Phase]


class CycleQuerySet(models.QuerySet):
    def visible_to(self, user) -> CycleQuerySet:
        """Cycles of the territories the user sees; organization staff see cycles that include them."""
        scope = scope_for(user)
        if scope.sees_everything:
            return self
        if scope.is_anonymous:
            return self.none()
        query = models.Q(pk__in=[])
        if scope.territory_ids:
            query |= models.Q(territory_id__in=scope.territory_ids)
        # A cycle run by a higher authority is visible to those who see one of its organizations.
        query |= models.Q(pk__in=CycleOrganization.objects.visible_to(user).values("cycle_id"))
        return self.filter(query)

    def published(self) -> CycleQuerySet:
        """Cycles whose results the public may read."""
        return self.filter(phase__in=PHASE_ORDER[PHASE_ORDER.index(Phase.PUBLICATION) :])


def _organizations():
    from registry.models import Organization

    return Organization.objects.all()


class Cycle(models.Model):
    territory = models.ForeignKey(
        "registry.Territory", verbose_name=_("территория"), on_delete=models.PROTECT, related_name="cycles"
    )
    year = models.PositiveSmallIntegerField(_("год"))
    title = models.CharField(_("наименование"), max_length=255)
    phase = models.CharField(_("этап"), max_length=20, choices=Phase.choices, default=Phase.PREPARATION)
    methodology_version = models.CharField(_("версия методики"), max_length=40, default="344n-114-v1")
    questionnaire_version = models.CharField(_("версия анкеты"), max_length=40, default="675n-edu-v1")
    checklist_version = models.CharField(_("версия чек-листов"), max_length=40, default="114-v1")
    site_rules_version = models.CharField(_("версия требований к сайту"), max_length=40, default="1493-v1")
    list_frozen = models.BooleanField(_("список утверждён и зафиксирован"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("цикл оценки")
        verbose_name_plural = _("циклы оценки")
        ordering = ["-year", "territory__name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "year"], name="cycle_unique_territory_year"),
        ]

    def __str__(self) -> str:
        return self.title or f"НОКО {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("cycles:detail", args=[self.pk])

    def phase_reached(self, phase: str) -> bool:
        return PHASE_ORDER.index(self.phase) >= PHASE_ORDER.index(phase)


class CycleOrganizationQuerySet(models.QuerySet):
    def visible_to(self, user) -> CycleOrganizationQuerySet:
        return scope_for(user).filter_by_organization(self, "organization")

    def included(self) -> CycleOrganizationQuerySet:
        return self.filter(status=CycleOrganization.Status.INCLUDED)


class CycleOrganization(models.Model):
    """One organization on the list of a cycle."""

    class Status(models.TextChoices):
        INCLUDED = "included", _("включена")
        EXCLUDED = "excluded", _("исключена")

    cycle = models.ForeignKey(Cycle, verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="entries")
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("организация"), on_delete=models.PROTECT, related_name="cycle_entries"
    )
    status = models.CharField(_("статус"), max_length=20, choices=Status.choices, default=Status.INCLUDED)
    reason = models.TextField(_("основание"), blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    objects = CycleOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("организация в цикле")
        verbose_name_plural = _("организации в цикле")
        ordering = ["cycle", "organization__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="cycle_org_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.cycle}"


# Who acts in each phase (shown on the cycle page). Data, not code: adjust with the regional regulation.
PHASE_ACTORS: dict[str, str] = {
    Phase.PREPARATION: _("орган управления образованием, общественный совет (перечень, техническое задание)"),
    Phase.COLLECTION: _("организация-оператор; образовательные организации (сайт, стенды, анкетирование)"),
    Phase.PRELIMINARY: _("организация-оператор"),
    Phase.INTERACTION: _("образовательные организации (право на ответ), организация-оператор"),
    Phase.FINAL: _("организация-оператор; орган управления образованием (приёмка отчёта)"),
    Phase.COUNCIL: _("общественный совет (в течение месяца после получения отчёта оператора)"),
    Phase.PUBLICATION: _("орган управления образованием (сайт, bus.gov.ru)"),
    Phase.PLANS: _("руководители образовательных организаций, учредитель"),
    Phase.CONTROL: _("орган управления образованием"),
}

# Default calendar of a cycle: (phase, start month, start day, end month, end day) inside the cycle's year.
# UNCONFIRMED: regions set their own calendars; these follow the municipal plan's quarters and the
# "results by 31 December" practice (methodology.md §7). Dates are editable per cycle.
DEFAULT_PHASE_CALENDAR: list[tuple[str, int, int, int, int]] = [
    (Phase.PREPARATION, 1, 15, 3, 31),
    (Phase.COLLECTION, 4, 1, 6, 30),
    (Phase.PRELIMINARY, 7, 1, 8, 15),
    (Phase.INTERACTION, 8, 16, 9, 15),
    (Phase.FINAL, 9, 16, 10, 15),
    (Phase.COUNCIL, 10, 16, 11, 15),
    (Phase.PUBLICATION, 11, 16, 11, 30),
    (Phase.PLANS, 12, 1, 12, 31),
    (Phase.CONTROL, 12, 31, 12, 31),  # control runs through the next year; end moved a year on below
]


class CyclePhase(models.Model):
    """Planned and actual dates of one phase of a cycle."""

    class State(models.TextChoices):
        DONE = "done", _("завершён")
        CURRENT = "current", _("идёт")
        LATE = "late", _("просрочен")
        UPCOMING = "upcoming", _("предстоит")

    cycle = models.ForeignKey(Cycle, verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="phases")
    phase = models.CharField(_("этап"), max_length=20, choices=Phase.choices)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    planned_start = models.DateField(_("плановое начало"), null=True, blank=True)
    planned_end = models.DateField(_("плановое окончание"), null=True, blank=True)
    started_on = models.DateField(_("фактическое начало"), null=True, blank=True)
    completed_on = models.DateField(_("фактическое окончание"), null=True, blank=True)
    responsible = models.CharField(_("кто действует"), max_length=500, blank=True)
    note = models.TextField(_("примечание"), blank=True)

    class Meta:
        verbose_name = _("этап цикла")
        verbose_name_plural = _("этапы цикла")
        ordering = ["cycle", "order"]
        constraints = [models.UniqueConstraint(fields=["cycle", "phase"], name="cycle_phase_unique")]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.get_phase_display()}"

    def state(self, today) -> str:
        current = self.cycle.phase
        if current == Phase.CLOSED or PHASE_ORDER.index(current) > PHASE_ORDER.index(self.phase):
            return self.State.DONE
        if current == self.phase:
            if self.planned_end and today > self.planned_end:
                return self.State.LATE
            return self.State.CURRENT
        if self.planned_start and today > self.planned_start:
            return self.State.LATE  # should have started already
        return self.State.UPCOMING


class PriorAssessment(models.Model):
    """An assessment of an organization held outside this system (before it, or by another authority)."""

    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("организация"),
        on_delete=models.CASCADE,
        related_name="prior_assessments",
    )
    year = models.PositiveSmallIntegerField(_("год"))
    source = models.CharField(_("источник сведений"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("проведённая ранее оценка")
        verbose_name_plural = _("проведённые ранее оценки")
        ordering = ["organization", "year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="prior_assessment_unique")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.year}"


class OperatorBasis(models.TextChoices):
    CONTRACT = "contract", _("государственный (муниципальный) контракт по 44-ФЗ")
    ASSIGNMENT = "assignment", _("государственное (муниципальное) задание")


class OperatorQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(cycle__in=Cycle.objects.visible_to(user))


class OperatorEngagement(models.Model):
    """The operator that collects and generalises information for a cycle, and the terms of its work."""

    cycle = models.OneToOneField(Cycle, verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="operator")
    name = models.CharField(_("организация-оператор"), max_length=500)
    inn = models.CharField(_("ИНН оператора"), max_length=12, blank=True)
    basis = models.CharField(
        _("основание"), max_length=20, choices=OperatorBasis.choices, default=OperatorBasis.CONTRACT
    )
    contract_number = models.CharField(_("номер контракта (задания)"), max_length=100, blank=True)
    contract_date = models.DateField(_("дата контракта (задания)"), null=True, blank=True)
    procurement_number = models.CharField(_("номер закупки в ЕИС"), max_length=40, blank=True)
    amount = models.DecimalField(_("цена контракта, руб."), max_digits=14, decimal_places=2, null=True, blank=True)
    terms_of_reference = models.TextField(_("техническое задание"), blank=True)
    tor_approved_on = models.DateField(_("ТЗ рассмотрено советом"), null=True, blank=True)
    report_due = models.DateField(_("срок сдачи отчёта"), null=True, blank=True)
    report_received_on = models.DateField(_("отчёт получен"), null=True, blank=True)
    accepted_on = models.DateField(_("отчёт принят"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        "auth.User", verbose_name=_("принял"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acceptance_note = models.TextField(_("замечания при приёмке"), blank=True)

    objects = OperatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("организация-оператор цикла")
        verbose_name_plural = _("организации-операторы циклов")

    def __str__(self) -> str:
        return self.name

    @property
    def territory(self):
        return self.cycle.territory


class OperatorMilestone(models.Model):
    engagement = models.ForeignKey(
        OperatorEngagement, verbose_name=_("оператор"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("этап работ"), max_length=500)
    due_date = models.DateField(_("срок"), null=True, blank=True)
    done_on = models.DateField(_("выполнен"), null=True, blank=True)
    note = models.CharField(_("примечание"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("этап работ оператора")
        verbose_name_plural = _("этапы работ оператора")
        ordering = ["engagement", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today) -> bool:
        return self.done_on is None and self.due_date is not None and self.due_date < today


class TargetCode(models.TextChoices):
    ASSESSED = "assessed", _("Образовательные организации, в отношении которых проведена независимая оценка")
    SITE_QUESTIONNAIRE = (
        "site_questionnaire",
        _(
            "Образовательные организации, на официальных сайтах которых обеспечена возможность выражения мнения "
            "граждан о качестве услуг (анкета или ссылка на неё)"
        ),
    )
    COUNCIL_MEETINGS = "council_meetings", _("Заседания общественного совета по вопросам НОКО")


class TerritoryScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_for(user).filter_by_territory(self)


class TargetIndicatorPlan(models.Model):
    """Planned value of a target indicator (table I of the municipal plan) for a territory and year."""

    territory = models.ForeignKey(
        "registry.Territory", verbose_name=_("территория"), on_delete=models.CASCADE, related_name="target_plans"
    )
    year = models.PositiveSmallIntegerField(_("год"))
    code = models.CharField(_("показатель"), max_length=30, choices=TargetCode.choices)
    planned_count = models.PositiveIntegerField(_("план, количество"), null=True, blank=True)
    planned_share = models.DecimalField(_("план, доля (%)"), max_digits=5, decimal_places=1, null=True, blank=True)

    objects = TerritoryScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("плановое значение целевого показателя")
        verbose_name_plural = _("плановые значения целевых показателей")
        ordering = ["territory", "year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "year", "code"], name="target_plan_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.territory} {self.year}: {self.get_code_display()}"


class ActivityPlan(models.Model):
    """The plan of activities of an authority for organising НОКО (section II of the municipal plan)."""

    territory = models.ForeignKey(
        "registry.Territory", verbose_name=_("территория"), on_delete=models.CASCADE, related_name="activity_plans"
    )
    title = models.CharField(_("наименование"), max_length=500)
    year_from = models.PositiveSmallIntegerField(_("с года"))
    year_to = models.PositiveSmallIntegerField(_("по год"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TerritoryScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("план мероприятий по НОКО")
        verbose_name_plural = _("планы мероприятий по НОКО")
        ordering = ["-year_from", "territory__name"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cycles:activity_detail", args=[self.pk])


class DeadlineKind(models.TextChoices):
    DATE = "date", _("дата")
    QUARTER = "quarter", _("квартал")
    PERMANENT = "permanent", _("постоянно")
    AS_NEEDED = "as_needed", _("по мере необходимости")
    ANNUALLY = "annually", _("ежегодно")
    TEXT = "text", _("иной срок (текстом)")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("запланировано")
    IN_PROGRESS = "in_progress", _("выполняется")
    DONE = "done", _("выполнено")
    CANCELLED = "cancelled", _("отменено")


QUARTER_LABELS = {1: "I", 2: "II", 3: "III", 4: "IV"}


class ActivityPlanItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_for(user).filter_by_territory(self, "plan__territory")


class ActivityPlanItem(models.Model):
    plan = models.ForeignKey(ActivityPlan, verbose_name=_("план"), on_delete=models.CASCADE, related_name="items")
    number = models.CharField(_("№ п/п"), max_length=20, blank=True)
    order = models.PositiveIntegerField(_("порядок"), default=0)
    title = models.TextField(_("мероприятие"))
    deadline_kind = models.CharField(_("вид срока"), max_length=20, choices=DeadlineKind.choices)
    deadline_date = models.DateField(_("дата"), null=True, blank=True)
    deadline_year = models.PositiveSmallIntegerField(_("год"), null=True, blank=True)
    deadline_quarter = models.PositiveSmallIntegerField(
        _("квартал"), null=True, blank=True, choices=[(q, f"{label} квартал") for q, label in QUARTER_LABELS.items()]
    )
    deadline_text = models.CharField(_("срок (текстом)"), max_length=500, blank=True)
    form = models.CharField(_("форма реализации"), max_length=500, blank=True)
    executors = models.CharField(_("ответственные исполнители"), max_length=500, blank=True)
    agenda_kind = models.CharField(_("вопрос повестки совета"), max_length=30, blank=True)
    status = models.CharField(_("статус"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.PLANNED)
    evidence = models.TextField(_("подтверждение исполнения"), blank=True)
    evidence_url = models.URLField(_("ссылка на подтверждение"), max_length=500, blank=True)
    done_on = models.DateField(_("дата исполнения"), null=True, blank=True)

    objects = ActivityPlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("мероприятие плана")
        verbose_name_plural = _("мероприятия плана")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title[:80]}".strip()

    @property
    def due_date(self):
        """The last day of the deadline, when it has one (dates and quarters)."""
        import calendar
        import datetime

        if self.deadline_kind == DeadlineKind.DATE:
            return self.deadline_date
        if self.deadline_kind == DeadlineKind.QUARTER and self.deadline_year and self.deadline_quarter:
            month = self.deadline_quarter * 3
            return datetime.date(self.deadline_year, month, calendar.monthrange(self.deadline_year, month)[1])
        return None

    def deadline_display(self) -> str:
        """The deadline as the plan writes it: «IV квартал 2027 г.», «до 15.03.2027», «постоянно (…)»."""
        if self.deadline_kind == DeadlineKind.TEXT:
            return self.deadline_text
        if self.deadline_kind == DeadlineKind.DATE and self.deadline_date:
            text = f"до {self.deadline_date:%d.%m.%Y}"
        elif self.deadline_kind == DeadlineKind.QUARTER and self.deadline_quarter and self.deadline_year:
            text = f"{QUARTER_LABELS[self.deadline_quarter]} квартал {self.deadline_year} г."
        else:
            text = str(self.get_deadline_kind_display())
        return f"{text} ({self.deadline_text})" if self.deadline_text else text

    def is_overdue(self, today) -> bool:
        due = self.due_date
        return due is not None and due < today and self.status not in (ItemStatus.DONE, ItemStatus.CANCELLED)
