"""Choices of the bus.gov.ru bridge: duties of responsible officials, kinds of placed information, review sources."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Duty(models.TextChoices):
    """What an official is appointed for (392-ФЗ ст. 11 п. 7, as listed in the Краснодар letter of 21.01.2026)."""

    PLACEMENT = "placement", _("размещение информации о результатах НОКО на bus.gov.ru")
    ACCURACY = "accuracy", _("достоверность, полнота и своевременность размещения")
    MONITORING = "monitoring", _("мониторинг посещений сайта гражданами и их отзывов")
    SHORTCOMINGS = "shortcomings", _("организация работы по устранению выявленных недостатков")
    INFORMING = "informing", _("информирование граждан о принятых мерах")


DUTY_SHORT = {
    Duty.PLACEMENT: _("размещение"),
    Duty.ACCURACY: _("достоверность"),
    Duty.MONITORING: _("мониторинг отзывов"),
    Duty.SHORTCOMINGS: _("устранение недостатков"),
    Duty.INFORMING: _("информирование"),
}

# Words accepted in the officials' import file for the duties column (lower case, ё→е).
DUTY_ALIASES = {
    "размещение": Duty.PLACEMENT,
    "достоверность": Duty.ACCURACY,
    "полнота": Duty.ACCURACY,
    "своевременность": Duty.ACCURACY,
    "мониторинг": Duty.MONITORING,
    "отзывы": Duty.MONITORING,
    "мониторинг отзывов": Duty.MONITORING,
    "недостатки": Duty.SHORTCOMINGS,
    "устранение недостатков": Duty.SHORTCOMINGS,
    "информирование": Duty.INFORMING,
}


class InfoKind(models.TextChoices):
    """What is placed on bus.gov.ru for an assessed organization."""

    RESULTS = "results", _("результаты НОКО")
    PLAN = "plan", _("план по устранению недостатков")


class PlacementStatus(models.TextChoices):
    NOT_PLACED = "not_placed", _("не размещено")
    MODERATION = "moderation", _("на проверке")
    PLACED = "placed", _("размещено")
    REJECTED = "rejected", _("отклонено")


class PlacementSource(models.TextChoices):
    MANUAL = "manual", _("отмечено вручную")
    STATUS_FILE = "status_file", _("файл статусов bus.gov.ru")


class ReviewSource(models.TextChoices):
    IMPORT = "import", _("выгрузка bus.gov.ru")
    MANUAL = "manual", _("введён вручную")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("ожидает подтверждения")
    APPLIED = "applied", _("применён")
    DISCARDED = "discarded", _("отменён")


class ImportKind(models.TextChoices):
    REVIEWS = "reviews", _("отзывы граждан")
    STATUS = "status", _("статусы размещения")
    OFFICIALS = "officials", _("ответственные должностные лица")


class LayoutKind(models.TextChoices):
    RESULTS = "results", _("пакет результатов НОКО")
    PLANS = "plans", _("пакет планов (ПП № 457)")
    REVIEWS = "reviews", _("выгрузка отзывов bus.gov.ru")
    STATUS = "status", _("выгрузка статусов размещения bus.gov.ru")


class NoticeKind(models.TextChoices):
    NO_REVIEWS = "no_reviews", _("нет отзывов граждан на bus.gov.ru")
    PLACEMENT_OVERDUE = "placement_overdue", _("просрочено размещение на bus.gov.ru")
    NO_OFFICIALS = "no_officials", _("не назначены ответственные должностные лица")
    UNANSWERED = "unanswered", _("отзывы без ответа")


class CampaignKind(models.TextChoices):
    MEETING = "meeting", _("родительское собрание")
    SITE = "site", _("публикация на сайте")
    SOCIAL = "social", _("публикация в социальных сетях")
    LEAFLET = "leaflet", _("листовки, плакаты с QR-кодом")
    MEDIA = "media", _("средства массовой информации")
    OTHER = "other", _("иное")


# bus.gov.ru asks citizens for a rating on a five-level verbal scale (methodology.md §7, §9).
RATING_WORDS = {
    1: _("неудовлетворительно"),
    2: _("ниже среднего"),
    3: _("удовлетворительно"),
    4: _("хорошо"),
    5: _("отлично"),
}
