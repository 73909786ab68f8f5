"""Reports: the authority's records about work on the results, and the document templates it uses.

Reports never compute scores: documents and tables read ``scoring`` (Result, Rating, Shortcoming), ``cycles``,
``council`` and ``plans``. What lives here is only what those apps do not hold: the decisions about heads of
organizations (reward, measures, attestation), the facts the letter to the ministry reports (information brought
to heads, publication), and a region's own wording of the DOCX templates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scopes import scope_for
from reports.choices import DocumentKind, HeadActionKind, HeadCategory, ListGroup


class HeadActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_for(user).filter_by_organization(self, "cycle_organization__organization")


class HeadAction(models.Model):
    """A decision of the authority about the head of an assessed organization."""

    cycle_organization = models.ForeignKey(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="head_actions",
    )
    category = models.CharField(_("основание"), max_length=20, choices=HeadCategory.choices)
    kind = models.CharField(_("решение"), max_length=20, choices=HeadActionKind.choices)
    head_name = models.CharField(_("руководитель (ФИО)"), max_length=300, blank=True)
    text = models.TextField(_("содержание решения"), blank=True)
    document = models.CharField(_("реквизиты документа"), max_length=300, blank=True)
    decided_on = models.DateField(_("дата решения"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("внёс"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)

    objects = HeadActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("решение в отношении руководителя")
        verbose_name_plural = _("решения в отношении руководителей")
        ordering = ["cycle_organization", "decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.head_name or self.cycle_organization.organization}"

    @property
    def organization(self):
        return self.cycle_organization.organization


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_for(user).filter_by_territory(self, "territory")


class FollowUp(models.Model):
    """The work on one year's results in one territory: what the letter to the ministry reports."""

    territory = models.ForeignKey(
        "registry.Territory", verbose_name=_("территория"), on_delete=models.CASCADE, related_name="report_follow_ups"
    )
    year = models.PositiveSmallIntegerField(_("год"))
    informed_heads_on = models.DateField(_("результаты доведены до руководителей"), null=True, blank=True)
    informed_heads_how = models.CharField(_("как доведены (совещание, письмо)"), max_length=500, blank=True)
    published_site_url = models.URLField(_("страница с результатами на сайте органа"), max_length=500, blank=True)
    published_site_on = models.DateField(_("дата размещения на сайте органа"), null=True, blank=True)
    published_busgov_on = models.DateField(_("дата размещения на bus.gov.ru"), null=True, blank=True)
    media_note = models.TextField(_("информирование через СМИ, разъяснительная работа"), blank=True)
    free_text = models.TextField(_("иная информация (свободный текст письма)"), blank=True)
    addressee = models.CharField(_("адресат письма"), max_length=500, blank=True)
    addressee_greeting = models.CharField(_("обращение («Уважаемый …!»)"), max_length=300, blank=True)
    letter_number = models.CharField(_("исходящий номер письма"), max_length=50, blank=True)
    letter_date = models.DateField(_("дата письма"), null=True, blank=True)
    signatory_position = models.CharField(_("должность подписывающего"), max_length=300, blank=True)
    signatory_name = models.CharField(_("подписывающий (И.О. Фамилия)"), max_length=300, blank=True)
    executor = models.CharField(_("исполнитель, телефон"), max_length=300, blank=True)
    list_group = models.CharField(
        _("лидеры и наихудшие: группировка"), max_length=20, choices=ListGroup.choices, default=ListGroup.CYCLE
    )
    list_top = models.PositiveSmallIntegerField(_("лидеры и наихудшие: число организаций"), default=3)
    list_share = models.DecimalField(
        _("лидеры и наихудшие: доля (вместо числа)"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Например, 0,1 — 10 % организаций группы; пусто — брать число организаций."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("изменил"), null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("работа по результатам оценки")
        verbose_name_plural = _("работа по результатам оценки")
        ordering = ["-year", "territory__name"]
        constraints = [models.UniqueConstraint(fields=["territory", "year"], name="report_follow_up_unique")]

    def __str__(self) -> str:
        return f"{self.territory}: {self.year}"


class ReportTemplateQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_for(user).filter_by_territory(self, "territory")


def _template_path(instance: ReportTemplate, filename: str) -> str:
    return f"reports/templates/{instance.territory_id}-{instance.kind}.docx"


class ReportTemplate(models.Model):
    """A territory's own DOCX template (docxtpl) for one kind of document; the shipped one is the default."""

    territory = models.ForeignKey(
        "registry.Territory", verbose_name=_("территория"), on_delete=models.CASCADE, related_name="report_templates"
    )
    kind = models.CharField(_("вид документа"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(_("шаблон DOCX"), upload_to=_template_path)
    note = models.CharField(_("примечание"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("загрузил"), null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(_("загружен"), auto_now=True)

    objects = ReportTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("шаблон документа")
        verbose_name_plural = _("шаблоны документов")
        ordering = ["territory", "kind"]
        constraints = [models.UniqueConstraint(fields=["territory", "kind"], name="report_template_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.territory})"
