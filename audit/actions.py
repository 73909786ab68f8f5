"""Stable dotted action codes and their Russian labels.

Apps register their own codes with ``register()`` in their ``AppConfig.ready``
or at import time of their services module.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, str] = {
    "registry.organization.created": _("Организация добавлена"),
    "registry.organization.updated": _("Организация изменена"),
    "registry.organization.deleted": _("Организация удалена"),
    "registry.territory.created": _("Территория добавлена"),
    "registry.territory.updated": _("Территория изменена"),
    "registry.import.applied": _("Импорт реестра применён"),
    "accounts.membership.created": _("Роль назначена"),
    "accounts.membership.deleted": _("Роль снята"),
    "accounts.token.created": _("Выпущен API-токен"),
    "accounts.token.revoked": _("API-токен отозван"),
}


def register(code: str, label: str) -> None:
    _LABELS[code] = label


def label_for(code: str) -> str:
    return str(_LABELS.get(code, code))


def known_actions() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in _LABELS.items()), key=lambda item: item[1])
