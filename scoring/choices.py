from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    INDICATOR = "indicator", _("показатель")
    CRITERION = "criterion", _("критерий")
    TOTAL = "total", _("итоговый показатель")


class ResultStatus(models.TextChoices):
    PRELIMINARY = "preliminary", _("предварительный")
    FINAL = "final", _("итоговый")


class DenominatorMode(models.TextChoices):
    ANSWERED = "answered", _("ответившие на вопрос")
    TOTAL = "total", _("все респонденты (Чобщ)")


class RoundingMode(models.TextChoices):
    FULL = "full", _("полная точность, округление только при выводе")
    EACH_STEP = "each_step", _("округление на каждом шаге (до 2 знаков)")


class ZeroPolicy(models.TextChoices):
    """What a share with a zero denominator becomes (methodology §10)."""

    EXCLUDE = "exclude", _("исключить и перераспределить веса")
    ZERO = "zero", _("считать равным 0")
    HUNDRED = "hundred", _("считать равным 100")


class InputSource(models.TextChoices):
    SURVEYS = "surveys", _("анкетирование")
    SITECHECK = "sitecheck", _("проверка сайта")
    EXPERTISE = "expertise", _("экспертная оценка")
    IMPORT = "import", _("загрузка из файла")
    MANUAL = "manual", _("ручной ввод")
    DEMO = "demo", _("демонстрационные данные")


class RatingGroup(models.TextChoices):
    CYCLE = "cycle", _("по циклу")
    ORG_TYPE = "org_type", _("по типу организации")
    TERRITORY = "territory", _("по муниципалитету")


class ShortcomingKind(models.TextChoices):
    ITEM_MISSING = "item_missing", _("отсутствует обязательный элемент")
    ITEMS_COUNT = "items_count", _("не хватает элементов (без перечня)")
    LOW_SHARE = "low_share", _("низкая доля удовлетворённых")


class Severity(models.TextChoices):
    HIGH = "high", _("высокая")
    MEDIUM = "medium", _("средняя")
    LOW = "low", _("низкая")
