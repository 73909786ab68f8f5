"""The bus.gov.ru bridge: who is responsible, what is placed and when, what citizens say.

bus.gov.ru has no public API and its upload format is not published (the Минфин order on the composition of
placed information is UNCONFIRMED, methodology.md §1), so the bridge works with files a person uploads or
downloads, and every file layout is a ``Layout`` row (data, editable without code):

* ``ResponsibleOfficial`` — appointed by order for the duties of 392-ФЗ ст. 11 п. 7, per authority (territory)
  or per organization, for a period.
* ``ExportPackage`` — one generated package of a cycle (results or plans) in a layout; the file lives on the
  ``jobs.Job`` that generated it.
* ``Placement`` — whether the results / the plan of one organization of a cycle are placed on bus.gov.ru
  (marked by hand or read from a status file downloaded from the site); deadlines in working days.
* ``CitizenReview`` — a review imported from a bus.gov.ru export (or typed in), matched to an organization,
  tagged by topic (``Topic`` rules are data), with the organization's ``ReviewResponse``.
* ``ImportBatch`` — an uploaded file parsed but not yet applied (nothing is written before confirmation).
* ``Notice`` — a letter to a municipal authority (e.g. organizations without reviews this year).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scopes import scope_for
from busgov.choices import (
    RATING_WORDS,
    CampaignKind,
    Duty,
    ImportKind,
    ImportStatus,
    InfoKind,
    LayoutKind,
    NoticeKind,
    PlacementSource,
    PlacementStatus,
    ReviewSource,
)


def _organization_or_territory(queryset, user, org_path: str = "organization", territory_path: str = "territory"):
    """Rows bound either to an organization (seen through the organization) or to a territory (authority)."""
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    if scope.is_anonymous:
        return queryset.none()
    orgs = scope.filter_organizations(_organizations())
    query = models.Q(**{f"{org_path}__in": orgs})
    if scope.territory_ids:
        query |= models.Q(**{f"{territory_path}_id__in": scope.territory_ids})
    return queryset.filter(query)


def _organizations():
    from registry.models import Organization

    return Organization.objects.all()


class TerritorySettings(models.Model):
    """Deadlines and thresholds of one authority; a municipality without its own row uses the region's.

    Every value here is UNCONFIRMED in the methodology (placement deadlines per the Минфин order; the
    regional date for appointing officials), so it is data the authority sets.
    """

    territory = models.OneToOneField(
        "registry.Territory", verbose_name=_("территория"), on_delete=models.CASCADE, related_name="busgov_settings"
    )
    officials_due_month = models.PositiveSmallIntegerField(_("назначить ответственных до: месяц"), default=3)
    officials_due_day = models.PositiveSmallIntegerField(_("назначить ответственных до: день"), default=30)
    results_working_days = models.PositiveSmallIntegerField(
        _("размещение результатов: рабочих дней после получения решения совета"), default=5
    )
    plans_working_days = models.PositiveSmallIntegerField(
        _("размещение плана: рабочих дней после утверждения"), default=5
    )
    negative_max_rating = models.PositiveSmallIntegerField(
        _("отзыв отрицательный, если оценка не выше"), default=2, help_text=_("1 — неудовлетворительно … 5 — отлично")
    )
    results_layout = models.CharField(_("макет пакета результатов"), max_length=40, default="results-v1")
    plans_layout = models.CharField(_("макет пакета планов"), max_length=40, default="plans-v1")
    reviews_layout = models.CharField(_("макет выгрузки отзывов"), max_length=40, default="reviews-v1")
    status_layout = models.CharField(_("макет выгрузки статусов"), max_length=40, default="status-v1")

    class Meta:
        verbose_name = _("настройки bus.gov.ru территории")
        verbose_name_plural = _("настройки bus.gov.ru территорий")

    def __str__(self) -> str:
        return str(self.territory)


class Layout(models.Model):
    """A file layout as data: the columns of an export package or the column map of a bus.gov.ru download.

    ``definition`` (JSON): ``formats`` (xlsx/csv/xml/json), ``sheet``, ``columns`` [{code, header, source,
    required, type, xml}], ``xml`` {root, item}; for imports: ``fields`` {field: [header aliases]}. Shipped
    versions are loaded from ``busgov/data/layouts/*.json`` by a data migration; a region adds a new code
    instead of editing a layout packages were made with.
    """

    code = models.CharField(_("код"), max_length=40, unique=True)
    kind = models.CharField(_("вид"), max_length=20, choices=LayoutKind.choices)
    title = models.CharField(_("наименование"), max_length=300)
    basis = models.TextField(_("основание (статус: UNCONFIRMED, если не подтверждено)"), blank=True)
    definition = models.JSONField(_("описание макета"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("макет файла bus.gov.ru")
        verbose_name_plural = _("макеты файлов bus.gov.ru")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def columns(self) -> list[dict]:
        return list(self.definition.get("columns", []))

    @property
    def formats(self) -> list[str]:
        return list(self.definition.get("formats", ["xlsx"]))


class Topic(models.Model):
    """A topic of citizens' reviews with its keyword rules (data) and the НОКО criterion it maps to."""

    code = models.CharField(_("код"), max_length=40, unique=True)
    label = models.CharField(_("тема"), max_length=200)
    criterion_code = models.CharField(_("критерий НОКО"), max_length=10, blank=True)
    keywords = models.JSONField(
        _("ключевые слова (начала слов)"), default=list, help_text=_("Слово совпадает, если начинается с основы")
    )
    marks_negative = models.BooleanField(
        _("маркер отрицательного отзыва"),
        default=False,
        help_text=_("Не тема: слова, по которым отзыв без оценки считается отрицательным"),
    )
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("тема отзывов")
        verbose_name_plural = _("темы отзывов")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label


class ResponsibleOfficialQuerySet(models.QuerySet):
    def visible_to(self, user) -> ResponsibleOfficialQuerySet:
        return _organization_or_territory(self, user)

    def active_on(self, day) -> ResponsibleOfficialQuerySet:
        return self.filter(
            models.Q(period_start__isnull=True) | models.Q(period_start__lte=day),
            models.Q(period_end__isnull=True) | models.Q(period_end__gte=day),
        )

    def with_duty(self, duty: str) -> ResponsibleOfficialQuerySet:
        # duties is a JSON list; a plain text match works the same on SQLite and PostgreSQL
        return self.filter(duties_text__contains=f"|{duty}|")


def appointment_path(instance: ResponsibleOfficial, filename: str) -> str:
    owner = f"org{instance.organization_id}" if instance.organization_id else f"ter{instance.territory_id}"
    return f"busgov/orders/{owner}/{filename}"


class ResponsibleOfficial(models.Model):
    """An official appointed (by an order) for duties on bus.gov.ru, of an authority or of an organization."""

    territory = models.ForeignKey(
        "registry.Territory",
        verbose_name=_("орган управления образованием (территория)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="busgov_officials",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("организация"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="busgov_officials",
    )
    full_name = models.CharField(_("ФИО"), max_length=300)
    position = models.CharField(_("должность"), max_length=300)
    phone = models.CharField(_("телефон"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    duties = models.JSONField(_("обязанности"), default=list)
    duties_text = models.CharField(max_length=200, editable=False, default="")
    order_number = models.CharField(_("номер приказа о назначении"), max_length=50, blank=True)
    order_date = models.DateField(_("дата приказа"), null=True, blank=True)
    order_file = models.FileField(_("приказ (файл)"), upload_to=appointment_path, blank=True)
    period_start = models.DateField(_("действует с"), null=True, blank=True)
    period_end = models.DateField(_("действует по"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResponsibleOfficialQuerySet.as_manager()

    class Meta:
        verbose_name = _("ответственное должностное лицо")
        verbose_name_plural = _("ответственные должностные лица")
        ordering = ["territory__name", "organization__short_name", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(territory__isnull=True, organization__isnull=False)
                | models.Q(territory__isnull=False, organization__isnull=True),
                name="busgov_official_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.position})"

    def save(self, *args, **kwargs) -> None:
        self.duties_text = "|" + "|".join(sorted(set(self.duties))) + "|" if self.duties else ""
        super().save(*args, **kwargs)

    @property
    def owner(self):
        return self.organization or self.territory

    @property
    def duty_labels(self) -> list[str]:
        return [str(Duty(d).label) for d in self.duties if d in Duty.values]

    def is_active_on(self, day) -> bool:
        return (self.period_start is None or self.period_start <= day) and (
            self.period_end is None or self.period_end >= day
        )


class CycleSchedule(models.Model):
    """When the council's results reached the authority (the start of the placement deadline) for one cycle."""

    cycle = models.OneToOneField(
        "cycles.Cycle", verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="busgov_schedule"
    )
    results_received_on = models.DateField(_("результаты совета поступили в орган управления"), null=True, blank=True)
    results_working_days = models.PositiveSmallIntegerField(_("срок размещения, рабочих дней"), null=True, blank=True)
    note = models.TextField(_("примечание"), blank=True)

    class Meta:
        verbose_name = _("сроки размещения на bus.gov.ru")
        verbose_name_plural = _("сроки размещения на bus.gov.ru")

    def __str__(self) -> str:
        return str(self.cycle)


class ExportPackageQuerySet(models.QuerySet):
    def visible_to(self, user) -> ExportPackageQuerySet:
        from cycles.models import Cycle

        return self.filter(cycle__in=Cycle.objects.visible_to(user)).exclude_for_staff(user)

    def exclude_for_staff(self, user) -> ExportPackageQuerySet:
        scope = scope_for(user)
        if scope.sees_everything or scope.territory_ids:
            return self
        return self.none()  # packages cover a whole cycle: authorities only


class ExportPackage(models.Model):
    """One generated package for placement: results or plans of a cycle in a layout; the file is on ``job``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("формируется")
        READY = "ready", _("сформирован")
        FAILED = "failed", _("ошибка")

    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("цикл"), on_delete=models.CASCADE, related_name="busgov_packages"
    )
    kind = models.CharField(_("вид"), max_length=20, choices=InfoKind.choices)
    layout_code = models.CharField(_("макет"), max_length=40)
    status = models.CharField(_("состояние"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    job = models.ForeignKey(
        "jobs.Job", verbose_name=_("задание"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organizations = models.PositiveIntegerField(_("организаций"), default=0)
    rows = models.PositiveIntegerField(_("строк"), default=0)
    problems = models.JSONField(_("замечания проверки"), default=list, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("сформировал"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    objects = ExportPackageQuerySet.as_manager()

    class Meta:
        verbose_name = _("пакет для размещения")
        verbose_name_plural = _("пакеты для размещения")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.cycle} ({self.created_at:%d.%m.%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("busgov:package", args=[self.pk])


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlacementQuerySet:
        return scope_for(user).filter_by_organization(self, "cycle_organization__organization")


class Placement(models.Model):
    """Whether the results or the plan of one organization of a cycle are placed on bus.gov.ru."""

    cycle_organization = models.ForeignKey(
        "cycles.CycleOrganization",
        verbose_name=_("организация в цикле"),
        on_delete=models.CASCADE,
        related_name="busgov_placements",
    )
    kind = models.CharField(_("что размещается"), max_length=20, choices=InfoKind.choices)
    status = models.CharField(
        _("состояние"), max_length=20, choices=PlacementStatus.choices, default=PlacementStatus.NOT_PLACED
    )
    placed_on = models.DateField(_("дата размещения"), null=True, blank=True)
    url = models.URLField(_("ссылка на bus.gov.ru"), max_length=500, blank=True)
    source = models.CharField(_("источник"), max_length=20, choices=PlacementSource.choices)
    package = models.ForeignKey(
        ExportPackage, verbose_name=_("пакет"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("примечание"), max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("изменил"), null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("размещение на bus.gov.ru")
        verbose_name_plural = _("размещение на bus.gov.ru")
        ordering = ["cycle_organization", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["cycle_organization", "kind"], name="busgov_placement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_status_display()}"


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportBatchQuerySet:
        if scope_for(user).sees_everything:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)


class ImportBatch(models.Model):
    """An uploaded bus.gov.ru file, parsed and checked; nothing is written until the person confirms."""

    kind = models.CharField(_("вид"), max_length=20, choices=ImportKind.choices)
    layout_code = models.CharField(_("макет"), max_length=40, blank=True)
    filename = models.CharField(_("файл"), max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("состояние"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    rows = models.JSONField(_("строки без ошибок"), default=list)
    errors = models.JSONField(_("ошибки"), default=list)
    total_rows = models.PositiveIntegerField(_("строк в файле"), default=0)
    summary = models.JSONField(_("итог"), default=dict, blank=True)
    skipped_bad_rows = models.BooleanField(_("применён без строк с ошибками"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("загрузил"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("загружен"), auto_now_add=True)
    applied_at = models.DateTimeField(_("применён"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("загрузка файла bus.gov.ru")
        verbose_name_plural = _("загрузки файлов bus.gov.ru")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("busgov:import_detail", args=[self.pk])


class CitizenReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> CitizenReviewQuerySet:
        return scope_for(user).filter_by_organization(self, "organization")

    def in_year(self, year: int) -> CitizenReviewQuerySet:
        return self.filter(posted_on__year=year)

    def negative(self) -> CitizenReviewQuerySet:
        return self.filter(is_negative=True)

    def unanswered(self) -> CitizenReviewQuerySet:
        return self.filter(response__isnull=True)


class CitizenReview(models.Model):
    """A citizen's review of an organization as bus.gov.ru shows it, with its topics and НОКО criteria."""

    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("организация"), on_delete=models.CASCADE, related_name="busgov_reviews"
    )
    key = models.CharField(_("ключ записи"), max_length=80)  # "id:<bus.gov.ru number>" or "h:<hash of content>"
    external_id = models.CharField(_("номер отзыва на bus.gov.ru"), max_length=64, blank=True)
    posted_on = models.DateField(_("дата отзыва"))
    author = models.CharField(_("автор (как указан на сайте)"), max_length=300, blank=True)
    rating = models.PositiveSmallIntegerField(_("общая оценка (1–5)"), null=True, blank=True)
    criterion_ratings = models.JSONField(_("оценки по критериям (1–5)"), default=dict, blank=True)
    text = models.TextField(_("текст отзыва"), blank=True)
    topics = models.JSONField(_("темы"), default=list, blank=True)
    criteria = models.JSONField(_("критерии НОКО по темам"), default=list, blank=True)
    is_negative = models.BooleanField(_("отрицательный"), default=False)
    source = models.CharField(_("источник"), max_length=20, choices=ReviewSource.choices, default=ReviewSource.IMPORT)
    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("загрузка"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("внесён"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)

    objects = CitizenReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("отзыв гражданина")
        verbose_name_plural = _("отзывы граждан")
        ordering = ["-posted_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="busgov_review_unique")]
        indexes = [models.Index(fields=["organization", "posted_on"], name="busgov_review_org_date")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.posted_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("busgov:review", args=[self.pk])

    @property
    def rating_word(self) -> str:
        return str(RATING_WORDS.get(self.rating, "")) if self.rating else ""


class ReviewResponse(models.Model):
    """The organization's answer to a review (placed on bus.gov.ru or given to the author)."""

    review = models.OneToOneField(
        CitizenReview, verbose_name=_("отзыв"), on_delete=models.CASCADE, related_name="response"
    )
    text = models.TextField(_("ответ организации"))
    responded_on = models.DateField(_("дата ответа"))
    url = models.URLField(_("ссылка на размещённый ответ"), max_length=500, blank=True)
    source = models.CharField(_("источник"), max_length=20, choices=ReviewSource.choices, default=ReviewSource.MANUAL)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("внёс"), null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)

    class Meta:
        verbose_name = _("ответ на отзыв")
        verbose_name_plural = _("ответы на отзывы")

    def __str__(self) -> str:
        return f"{self.review}: {self.responded_on:%d.%m.%Y}"


class NoticeQuerySet(models.QuerySet):
    def visible_to(self, user) -> NoticeQuerySet:
        scope = scope_for(user)
        if scope.sees_everything:
            return self
        if not scope.territory_ids:
            return self.none()
        return self.filter(territory_id__in=scope.territory_ids)


class Notice(models.Model):
    """A letter to an authority listing organizations that need attention (no reviews, overdue placement …)."""

    territory = models.ForeignKey(
        "registry.Territory", verbose_name=_("адресат (территория)"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("вид"), max_length=30, choices=NoticeKind.choices)
    year = models.PositiveSmallIntegerField(_("год"))
    as_of = models.DateField(_("по состоянию на"))
    recheck_on = models.DateField(_("повторная проверка"), null=True, blank=True)
    organizations = models.JSONField(_("организации"), default=list)
    text = models.TextField(_("текст письма"))
    number = models.CharField(_("исходящий номер"), max_length=50, blank=True)
    sent_on = models.DateField(_("отправлено"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("подготовил"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("письмо органу управления")
        verbose_name_plural = _("письма органам управления")
        ordering = ["-as_of", "territory__name", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.territory} ({self.as_of:%d.%m.%Y})"


class CampaignActivityQuerySet(models.QuerySet):
    def visible_to(self, user) -> CampaignActivityQuerySet:
        return _organization_or_territory(self, user)


class CampaignActivity(models.Model):
    """One activity of the information campaign about reviews on bus.gov.ru (meeting, post, leaflets …)."""

    territory = models.ForeignKey(
        "registry.Territory", verbose_name=_("территория"), null=True, blank=True, on_delete=models.CASCADE
    )
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("организация"), null=True, blank=True, on_delete=models.CASCADE
    )
    held_on = models.DateField(_("дата"))
    kind = models.CharField(_("вид"), max_length=20, choices=CampaignKind.choices)
    description = models.TextField(_("описание"))
    reach = models.PositiveIntegerField(_("охват, человек"), null=True, blank=True)
    url = models.URLField(_("ссылка"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("внёс"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("мероприятие информационной кампании")
        verbose_name_plural = _("информационная кампания")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d.%m.%Y}"
