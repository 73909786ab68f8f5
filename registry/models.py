from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lib.ru_ids import inn_error, ogrn_error
from lib.text import normalize_search
from registry.choices import OrgStatus, OrgType, TerritoryKind


def validate_timezone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("Неизвестный часовой пояс: %(tz)s"), params={"tz": value})


def validate_inn(value: str) -> None:
    error = inn_error(value)
    if error:
        raise ValidationError(error)


def validate_ogrn(value: str) -> None:
    error = ogrn_error(value)
    if error:
        raise ValidationError(error)


class Territory(models.Model):
    """A region (субъект РФ) or one of its municipalities."""

    name = models.CharField(_("наименование"), max_length=255)
    kind = models.CharField(_("вид"), max_length=20, choices=TerritoryKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("входит в"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("код (ОКТМО)"), max_length=20, blank=True)
    timezone = models.CharField(
        _("часовой пояс"), max_length=64, default="Europe/Moscow", validators=[validate_timezone]
    )
    authority_name = models.CharField(_("орган управления образованием"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("территория")
        verbose_name_plural = _("территории")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="territory_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region(self) -> Territory:
        return self if self.parent_id is None else self.parent.region

    def subtree_ids(self) -> list[int]:
        """This territory and every territory below it (the tree is two levels deep, but walk it)."""
        ids = [self.pk]
        frontier = [self.pk]
        while frontier:
            frontier = list(Territory.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrganizationQuerySet:
        """The one door: organizations a user may see in the back office."""
        from accounts.scopes import scope_for

        return scope_for(user).filter_organizations(self)

    def editable_by(self, user) -> OrganizationQuerySet:
        from accounts.scopes import scope_for

        scope = scope_for(user)
        if not scope.can_edit_registry:
            return self.none()
        return scope.filter_organizations(self)

    def search(self, text: str) -> OrganizationQuerySet:
        text = (text or "").strip()
        if not text:
            return self
        needle = normalize_search(text)
        query = models.Q(name_search__contains=needle)
        if text.isdigit():
            query |= models.Q(inn__startswith=text) | models.Q(ogrn__startswith=text)
        return self.filter(query)

    def public(self) -> OrganizationQuerySet:
        """What the public portal lists: every organization that is not liquidated."""
        return self.exclude(status=OrgStatus.LIQUIDATED)


class Organization(models.Model):
    full_name = models.CharField(_("полное наименование"), max_length=1000)
    short_name = models.CharField(_("краткое наименование"), max_length=500, blank=True)
    inn = models.CharField(_("ИНН"), max_length=12, unique=True, validators=[validate_inn])
    ogrn = models.CharField(_("ОГРН"), max_length=15, blank=True, validators=[validate_ogrn])
    org_type = models.CharField(_("тип"), max_length=10, choices=OrgType.choices, db_index=True)
    founder = models.CharField(_("учредитель"), max_length=500, blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("муниципальное образование"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    address = models.CharField(_("адрес"), max_length=1000, blank=True)
    website = models.URLField(_("официальный сайт"), max_length=500, blank=True)
    busgov_id = models.CharField(_("идентификатор на bus.gov.ru"), max_length=64, blank=True)
    head_name = models.CharField(_("руководитель (ФИО)"), max_length=300, blank=True)
    head_position = models.CharField(_("должность руководителя"), max_length=300, blank=True)
    head_email = models.EmailField(_("e-mail руководителя"), blank=True)
    head_phone = models.CharField(_("телефон руководителя"), max_length=50, blank=True)
    contingent = models.PositiveIntegerField(_("контингент (обучающиеся / воспитанники)"), default=0)
    parents_count = models.PositiveIntegerField(_("число родителей (если известно)"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("головная организация (для филиала)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    status = models.CharField(
        _("статус"), max_length=20, choices=OrgStatus.choices, default=OrgStatus.ACTIVE, db_index=True
    )
    timezone = models.CharField(_("часовой пояс"), max_length=64, blank=True, validators=[validate_timezone])
    name_search = models.CharField(max_length=1600, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("организация")
        verbose_name_plural = _("организации")
        ordering = ["territory__name", "short_name", "full_name"]

    def __str__(self) -> str:
        return self.short_name or self.full_name

    def save(self, *args, **kwargs) -> None:
        self.name_search = normalize_search(f"{self.short_name} {self.full_name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"name_search"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registry:detail", args=[self.pk])

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Организация не может быть филиалом самой себя")})
        if self.parent_id and self.parent and self.parent.parent_id:
            raise ValidationError({"parent": _("Головная организация сама является филиалом")})

    @property
    def effective_timezone(self) -> str:
        return self.timezone or self.territory.timezone

    @property
    def type_short(self) -> str:
        return OrgType.short_label(self.org_type)


class ImportBatch(models.Model):
    """An uploaded registry file, validated and waiting for confirmation (or applied)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("ожидает подтверждения")
        APPLIED = "applied", _("применён")
        DISCARDED = "discarded", _("отменён")

    created_by = models.ForeignKey("auth.User", verbose_name=_("загрузил"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("загружен"), auto_now_add=True)
    filename = models.CharField(_("файл"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    diff = models.JSONField(default=dict)
    warnings = models.JSONField(default=list)
    status = models.CharField(_("состояние"), max_length=20, choices=Status.choices, default=Status.PENDING)
    applied_at = models.DateTimeField(_("применён"), null=True, blank=True)

    class Meta:
        verbose_name = _("импорт реестра")
        verbose_name_plural = _("импорты реестра")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%d.%m.%Y %H:%M})"
