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
