from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> AuditEntryQuerySet:
        """Entries about organizations (or territories) inside the user's scope."""
        from accounts.scopes import scope_for

        scope = scope_for(user)
        if scope.sees_everything:
            return self
        if not scope.can_read_audit:
            return self.none()
        return self.filter(
            models.Q(organization_id__in=scope.organization_ids_subquery())
            | models.Q(territory_id__in=scope.territory_ids)
        )


class AuditEntry(models.Model):
    """One change to data, written in the same transaction as the change."""

    created_at = models.DateTimeField(_("время"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пользователь"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("имя пользователя"), max_length=200, blank=True)
    action = models.CharField(_("действие"), max_length=100, db_index=True)
    target_type = models.CharField(_("тип объекта"), max_length=100, db_index=True)
    target_id = models.CharField(_("идентификатор объекта"), max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("объект"), max_length=500, blank=True)
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("организация"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    territory = models.ForeignKey(
        "registry.Territory",
        verbose_name=_("территория"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    before = models.JSONField(_("было"), null=True, blank=True)
    after = models.JSONField(_("стало"), null=True, blank=True)
    data = models.JSONField(_("подробности"), default=dict, blank=True)
    request_id = models.CharField(_("запрос"), max_length=32, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("запись журнала")
        verbose_name_plural = _("журнал изменений")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    @property
    def action_label(self) -> str:
        from audit.actions import label_for

        return label_for(self.action)

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
