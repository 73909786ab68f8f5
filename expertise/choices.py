from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    """A part of the checklist and the indicator it feeds (приказ Минпросвещения № 114)."""

    STAND = "stand", _("Информационные стенды (1.1)")
    COMFORT = "comfort", _("Комфортность условий (2.1)")
    PREMISES = "premises", _("Доступность территории и помещений для инвалидов (3.1)")
    SERVICE = "service", _("Условия доступности услуг для инвалидов (3.2)")


SECTION_INDICATOR = {
    Section.STAND: "1.1",
    Section.COMFORT: "2.1",
    Section.PREMISES: "3.1",
    Section.SERVICE: "3.2",
}


class Mark(models.TextChoices):
    YES = "yes", _("да")
    NO = "no", _("нет")
    NA = "na", _("не применимо")
    BLANK = "", _("не отмечено")


# Words accepted in an import file for each mark (lower-case, ё→е).
MARK_ALIASES: dict[str, str] = {
    "1": Mark.YES,
    "да": Mark.YES,
    "+": Mark.YES,
    "есть": Mark.YES,
    "yes": Mark.YES,
    "0": Mark.NO,
    "нет": Mark.NO,
    "-": Mark.NO,
    "отсутствует": Mark.NO,
    "no": Mark.NO,
    "н/п": Mark.NA,
    "нп": Mark.NA,
    "не применимо": Mark.NA,
    "неприменимо": Mark.NA,
    "na": Mark.NA,
    "n/a": Mark.NA,
}


class ResultStatus(models.TextChoices):
    DRAFT = "draft", _("черновик")
    SUBMITTED = "submitted", _("отправлен")


class VisitMode(models.TextChoices):
    VISIT = "visit", _("выезд в организацию")
    REMOTE = "remote", _("дистанционно, по материалам организации")


class BranchRule(models.TextChoices):
    ALL = "all", _("условие есть во всех зданиях")
    MAIN = "main", _("учитывается только основное здание")
    ANY = "any", _("условие есть хотя бы в одном здании")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("фотография")
    DOCUMENT = "document", _("документ")
    LINK = "link", _("ссылка")


class EvidenceSource(models.TextChoices):
    EXPERT = "expert", _("эксперт")
    ORGANIZATION = "organization", _("организация (дистанционная экспертиза)")
    DISPUTE = "dispute", _("организация (возражение)")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("на рассмотрении")
    COUNCIL = "council", _("передано в общественный совет")
    ACCEPTED = "accepted", _("принято")
    REJECTED = "rejected", _("отклонено")


OPEN_DISPUTE_STATUSES = (DisputeStatus.OPEN, DisputeStatus.COUNCIL)
