"""The citizen survey: questionnaire versions, per-cycle campaigns, per-organization links, responses.

A ``Response`` is one questionnaire from one respondent for one organization of a cycle
(``CycleOrganization``). Its answers are one JSON object keyed by item code; the scored
yes/no items are also folded into two integers (``yes_bits``, ``answered_bits``, bit i =
``lib.score_inputs.SURVEY_ITEM_CODES[i]``) so counting a million answers is one GROUP BY.
"""

from __future__ import annotations

import datetime
import math
import uuid
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scopes import scope_for
from surveys import conf


class Questionnaire(models.Model):
    """One version of the questionnaire. Immutable once loaded: a change is a new version (new code)."""

    code = models.CharField(_("код версии"), max_length=40, unique=True)
    title = models.CharField(_("наименование"), max_length=500)
    based_on = models.TextField(_("основание"), blank=True)
    preamble = models.TextField(_("обращение к респонденту"), blank=True)
    thanks = models.TextField(_("текст благодарности"), blank=True)
    created_at = models.DateTimeField(_("загружена"), auto_now_add=True)

    class Meta:
        verbose_name = _("версия анкеты")
        verbose_name_plural = _("версии анкеты")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("surveys:questionnaire", args=[self.code])


class Item(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("версия анкеты"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("порядок"))
    code = models.CharField(_("код"), max_length=60)
    number = models.CharField(_("номер"), max_length=10, blank=True)
    ref = models.CharField(_("источник"), max_length=100, blank=True)
    section = models.CharField(_("раздел"), max_length=200, blank=True)
    text = models.TextField(_("текст вопроса"))
    help = models.TextField(_("подсказка"), blank=True)
    kind = models.CharField(_("вид ответа"), max_length=10)
    choices = models.JSONField(_("варианты"), default=list, blank=True)
    required = models.BooleanField(_("обязательный"), default=False)
    gate = models.CharField(_("задаётся, если «Да» на"), max_length=60, blank=True)
    feeds = models.CharField(_("показатель"), max_length=100, blank=True)
    max_length = models.PositiveIntegerField(_("наибольшая длина"), null=True, blank=True)
    min_value = models.IntegerField(_("не меньше"), null=True, blank=True)
    max_value = models.IntegerField(_("не больше"), null=True, blank=True)

    class Meta:
        verbose_name = _("вопрос анкеты")
        verbose_name_plural = _("вопросы анкеты")
        ordering = ["questionnaire", "position"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="surveys_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.questionnaire.code}: {self.code}"


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user) -> CampaignQuerySet:
        from cycles.models import Cycle

        return self.filter(cycle__in=Cycle.objects.visible_to(user))


class Campaign(models.Model):
    """The survey of one cycle: its questionnaire, open dates and target rule."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("подготовка")
        PUBLISHED = "published", _("опубликован")

    cycle = models.OneToOneField(
        "cycles.Cycle", verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="survey_campaign"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("версия анкеты"), on_delete=models.PROTECT, related_name="campaigns"
    )
    status = models.CharField(_("состояние"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    opens_on = models.DateField(_("открыт с"))
    closes_on = models.DateField(_("открыт по (включительно)"))
    target_share = models.DecimalField(
        _("доля получателей услуг для выборки"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Пусто — по настройке системы (0,40)."),
    )
    target_cap = models.PositiveIntegerField(
        _("наибольший объём выборки"), null=True, blank=True, help_text=_("Пусто — по настройке системы (600).")
    )
    published_at = models.DateTimeField(_("опубликован"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("опрос цикла")
        verbose_name_plural = _("опросы циклов")
        ordering = ["-cycle__year"]

    def __str__(self) -> str:
        return f"{_('Опрос')}: {self.cycle}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:campaign", args=[self.cycle_id])

    @property
    def share(self) -> Decimal:
        return self.target_share if self.target_share is not None else conf.target_share()

    @property
    def cap(self) -> int:
        return self.target_cap if self.target_cap is not None else conf.target_cap()

    def target_for(self, recipients: int) -> int:
        """min(cap, ceil(share · recipients)) — methodology §5.2, UNCONFIRMED."""
        return min(self.cap, math.ceil(self.share * Decimal(max(0, recipients or 0))))

    def window(self, tz_name: str) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) of the campaign in UTC for an organization in time zone TZ_NAME."""
        tz = zoneinfo.ZoneInfo(tz_name or settings.TIME_ZONE)
        start = datetime.datetime.combine(self.opens_on, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(self.closes_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)

    def state_for(self, tz_name: str, now: datetime.datetime | None = None) -> str:
        """ "open", "not_yet", "closed" or "draft" for an organization in TZ_NAME."""
        from cycles.models import Phase

        if self.status != self.Status.PUBLISHED:
            return "draft"
        if self.cycle.phase == Phase.CLOSED:
            return "closed"
        now = now or timezone.now()
        start, end = self.window(tz_name)
        if now < start:
            return "not_yet"
        if now >= end:
            return "closed"
        return "open"


class SurveyLinkQuerySet(models.QuerySet):
    def visible_to(self, user) -> SurveyLinkQuerySet:
        return scope_for(user).filter_by_organization(self, "cycle_organization__organization")


class SurveyLink(models.Model):
    """The short link (and QR code) of one organization in one cycle: the link decides the organization."""

    cycle_organization = models.OneToOneField(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="survey_link",
    )
    code = models.CharField(_("код ссылки"), max_length=12, unique=True)
    target_override = models.PositiveIntegerField(
        _("целевое число анкет (вручную)"), null=True, blank=True, help_text=_("Пусто — по правилу опроса цикла.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SurveyLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("ссылка на анкету")
        verbose_name_plural = _("ссылки на анкету")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("surveys:organization", args=[self.cycle_organization_id])

    @property
    def path(self) -> str:
        return reverse("surveys:form", args=[self.code])

    @property
    def public_url(self) -> str:
        return f"{settings.PUBLIC_BASE_URL}{self.path}"


class Mode(models.TextChoices):
    ONLINE = "online", _("анкетирование онлайн")
    PAPER = "paper", _("анкетирование на бумаге")
    PHONE = "phone", _("телефонный опрос")
    INTERVIEW = "interview", _("интервьюирование")


class ResponseQuerySet(models.QuerySet):
    def visible_to(self, user) -> ResponseQuerySet:
        """Individual questionnaires: the operator and education authorities of the territory.

        Organization staff and council members see counts, never single questionnaires.
        """
        scope = scope_for(user)
        if not scope.has_role(Role.OPERATOR, Role.REGIONAL, Role.MUNICIPAL):
            return self.none()
        territory_ids = scope.territories_for(Role.OPERATOR, Role.REGIONAL, Role.MUNICIPAL)
        if scope.sees_everything:
            return self
        return self.filter(cycle_organization__organization__territory_id__in=territory_ids)

    def accepted(self) -> ResponseQuerySet:
        return self.filter(status=Response.Status.ACCEPTED)


class Response(models.Model):
    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("принята")
        REVIEW = "review", _("на проверке")
        EXCLUDED = "excluded", _("исключена")

    id = models.BigAutoField(primary_key=True)
    client_id = models.UUIDField(_("идентификатор отправки"), unique=True, default=uuid.uuid4)
    # indexed by the composite indexes below, which all lead with it
    cycle_organization = models.ForeignKey(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("версия анкеты"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(_("способ"), max_length=10, choices=Mode.choices, default=Mode.ONLINE)
    respondent_group = models.CharField(_("группа респондентов"), max_length=20, blank=True)
    answers = models.JSONField(_("ответы"), default=dict)
    yes_bits = models.BigIntegerField(default=0)
    answered_bits = models.BigIntegerField(default=0)
    status = models.CharField(_("состояние"), max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    flags = models.CharField(_("признаки"), max_length=200, blank=True)
    suspicion = models.PositiveSmallIntegerField(_("балл подозрительности"), default=0)
    submitted_at = models.DateTimeField(_("получена"), default=timezone.now)
    duration_seconds = models.PositiveIntegerField(_("заполнялась, с"), null=True, blank=True)
    ip_hash = models.CharField(max_length=16, blank=True)
    network_hash = models.CharField(max_length=16, blank=True)
    device_hash = models.CharField(max_length=16, blank=True)
    paper_number = models.CharField(_("номер бланка"), max_length=40, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("внёс"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer_import = models.ForeignKey(
        "surveys.AnswerImport",
        verbose_name=_("импорт"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("проверил"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("проверена"), null=True, blank=True)
    review_reason = models.TextField(_("основание решения"), blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("анкета")
        verbose_name_plural = _("анкеты")
        ordering = ["-submitted_at"]
        indexes = [
            # on PostgreSQL it also holds the answer bits: scoring counts a region's answers from the index alone
            models.Index(
                fields=["cycle_organization", "status"],
                include=["yes_bits", "answered_bits"],
                name="surveys_resp_org_status_bits",
            ),
            models.Index(fields=["cycle_organization", "device_hash"], name="surveys_resp_org_device"),
            models.Index(fields=["cycle_organization", "network_hash", "submitted_at"], name="surveys_resp_org_net"),
        ]

    def __str__(self) -> str:
        return f"{_('Анкета')} № {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:response", args=[self.pk])

    @property
    def flag_list(self) -> list[str]:
        return self.flags.split()

    @property
    def organization(self):
        return self.cycle_organization.organization


class AnswerImport(models.Model):
    """An XLSX/CSV file of paper or telephone questionnaires loaded by the operator (all rows or none)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("опрос"), on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("загрузил"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("загружен"), auto_now_add=True)
    filename = models.CharField(_("файл"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("анкет"), default=0)

    class Meta:
        verbose_name = _("импорт анкет")
        verbose_name_plural = _("импорты анкет")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "file_sha256"], name="surveys_import_unique_file"),
        ]

    def __str__(self) -> str:
        return self.filename
