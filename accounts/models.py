from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("администратор системы")
    REGIONAL = "regional", _("региональный орган управления образованием")
    MUNICIPAL = "municipal", _("муниципальный орган управления образованием")
    COUNCIL = "council", _("член общественного совета")
    OPERATOR = "operator", _("организация-оператор")
    ORG_STAFF = "org_staff", _("сотрудник образовательной организации")


TERRITORY_ROLES = {Role.REGIONAL, Role.MUNICIPAL, Role.COUNCIL, Role.OPERATOR}


class Membership(models.Model):
    """A role a user holds, with the scope it applies to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("роль"), max_length=20, choices=Role.choices)
    territory = models.ForeignKey(
        "registry.Territory",
        verbose_name=_("территория"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("организация"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("назначена"), auto_now_add=True)

    class Meta:
        verbose_name = _("роль пользователя")
        verbose_name_plural = _("роли пользователей")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "territory", "organization"], name="membership_unique")
        ]

    def __str__(self) -> str:
        where = self.organization or self.territory or _("вся система")
        return f"{self.user} — {self.get_role_display()} ({where})"

    def clean(self) -> None:
        if self.role == Role.ORG_STAFF and not self.organization_id:
            raise ValidationError({"organization": _("Для сотрудника организации укажите организацию")})
        if self.role in TERRITORY_ROLES and not self.territory_id:
            raise ValidationError({"territory": _("Для этой роли укажите территорию")})
        if self.role == Role.REGIONAL and self.territory_id and self.territory.parent_id is not None:
            raise ValidationError({"territory": _("Региональная роль назначается на субъект РФ")})


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def for_key(self, key: str) -> ApiToken | None:
        if not key or "." not in key:
            return None
        prefix = key.split(".", 1)[0]
        token = self.filter(prefix=prefix, revoked_at__isnull=True).select_related("user").first()
        if token is None or not secrets.compare_digest(token.key_hash, _hash(key)):
            return None
        return token


class ApiToken(models.Model):
    """A bearer token for the REST API; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("пользователь"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("назначение"), max_length=200)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("выпущен"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("последнее использование"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("отозван"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-токен")
        verbose_name_plural = _("API-токены")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:
        """Create a token; return it and the clear key, which is shown once."""
        prefix = secrets.token_hex(6)
        key = f"{prefix}.{secrets.token_urlsafe(32)}"
        token = cls.objects.create(user=user, name=name, prefix=prefix, key_hash=_hash(key))
        return token, key
