from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    REGION = "region", _("субъект РФ")
    MUNICIPALITY = "municipality", _("муниципальное образование")


class OrgType(models.TextChoices):
    DOO = "doo", _("ДОО — дошкольная образовательная организация")
    OO = "oo", _("ОО — общеобразовательная организация")
    SPO = "spo", _("СПО — профессиональная образовательная организация")
    DO = "do", _("ДО — организация дополнительного образования")
    OTHER = "other", _("иная организация")

    @classmethod
    def short_label(cls, value: str) -> str:
        return {"doo": "ДОО", "oo": "ОО", "spo": "СПО", "do": "ДО", "other": "иная"}.get(value, value)


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("действует")
    REORGANIZING = "reorganizing", _("реорганизуется")
    LIQUIDATED = "liquidated", _("ликвидирована")
    CLOSED_TEMPORARILY = "closed", _("временно закрыта")


# Words accepted in an import file for each type and status (lower-case, ё→е).
ORG_TYPE_ALIASES: dict[str, str] = {
    "доо": OrgType.DOO,
    "до о": OrgType.DOO,
    "детский сад": OrgType.DOO,
    "дошкольная": OrgType.DOO,
    "oo": OrgType.OO,
    "оо": OrgType.OO,
    "школа": OrgType.OO,
    "общеобразовательная": OrgType.OO,
    "спо": OrgType.SPO,
    "колледж": OrgType.SPO,
    "техникум": OrgType.SPO,
    "до": OrgType.DO,
    "дод": OrgType.DO,
    "дополнительное образование": OrgType.DO,
    "иная": OrgType.OTHER,
    "другое": OrgType.OTHER,
    "other": OrgType.OTHER,
}
ORG_STATUS_ALIASES: dict[str, str] = {
    "": OrgStatus.ACTIVE,
    "действует": OrgStatus.ACTIVE,
    "реорганизуется": OrgStatus.REORGANIZING,
    "реорганизация": OrgStatus.REORGANIZING,
    "ликвидирована": OrgStatus.LIQUIDATED,
    "ликвидация": OrgStatus.LIQUIDATED,
    "временно закрыта": OrgStatus.CLOSED_TEMPORARILY,
    "закрыта": OrgStatus.CLOSED_TEMPORARILY,
}
for _choice in OrgType:
    ORG_TYPE_ALIASES.setdefault(_choice.value, _choice)
for _choice in OrgStatus:
    ORG_STATUS_ALIASES.setdefault(_choice.value, _choice)
