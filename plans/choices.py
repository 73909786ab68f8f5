"""Choices of the plans app: statuses of a plan and of its items, the reasons for an exception."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("черновик")
    SUBMITTED = "submitted", _("на утверждении")
    RETURNED = "returned", _("возвращён на доработку")
    APPROVED = "approved", _("утверждён")


# statuses in which the organization may change the plan columns 1–4
EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED)


class ExceptionReason(models.TextChoices):
    """Why no plan is drawn up for an assessed organization (regional practice, e.g. Краснодарский край 2026)."""

    NONE = "", _("нет — составляется план")
    NO_SHORTCOMINGS = "no_shortcomings", _("недостатков не выявлено (100 баллов), план нецелесообразен")
    REORGANIZATION = "reorganization", _("реорганизация")
    LIQUIDATION = "liquidation", _("ликвидация")
    TEMPORARY_CLOSURE = "temporary_closure", _("временное закрытие контрольно-надзорными органами")
    OTHER = "other", _("иные непредвиденные обстоятельства")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("не начато")
    IN_PROGRESS = "in_progress", _("выполняется")
    DONE = "done", _("выполнено")
    NOT_DONE = "not_done", _("не выполнено")


class ReviewAction(models.TextChoices):
    CREATED = "created", _("создан из недостатков")
    SUBMITTED = "submitted", _("направлен на утверждение")
    RETURNED = "returned", _("возвращён на доработку")
    APPROVED = "approved", _("утверждён")
    REOPENED = "reopened", _("утверждение отменено")
    EXCEPTION = "exception", _("оформлено исключение")
    EXCEPTION_CANCELLED = "exception_cancelled", _("исключение отменено")
    PUBLISHED = "published", _("отмечен как размещённый")
    UNPUBLISHED = "unpublished", _("размещение снято")
    REPORTED = "reported", _("представлены сведения о ходе реализации")


# ПП РФ № 457: the five row groups of the plan, one per general criterion (Latin K codes as in scoring).
SECTIONS: list[tuple[str, str, str]] = [
    ("K1", "I", "Открытость и доступность информации об организации"),
    ("K2", "II", "Комфортность условий предоставления услуг"),
    ("K3", "III", "Доступность услуг для инвалидов"),
    ("K4", "IV", "Доброжелательность, вежливость работников организации"),
    ("K5", "V", "Удовлетворенность условиями оказания услуг"),
]
SECTION_NUMERAL = {code: numeral for code, numeral, _title in SECTIONS}
SECTION_TITLE = {code: title for code, _numeral, title in SECTIONS}
CRITERION_CHOICES = [(code, f"{numeral}. {title}") for code, numeral, title in SECTIONS]
