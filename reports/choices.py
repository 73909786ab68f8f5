from django.db import models
from django.utils.translation import gettext_lazy as _


class HeadCategory(models.TextChoices):
    """Why a head is on a list: the organization is among the leaders or among the worst."""

    LEADER = "leader", _("лидер")
    WORST = "worst", _("наихудшие показатели")
    OTHER = "other", _("иное")


class HeadActionKind(models.TextChoices):
    """What the authority decided about the head (the ministry's letter asks for each of these)."""

    INFORMED = "informed", _("результаты доведены до руководителя")
    REWARD = "reward", _("поощрение руководителя")
    MEASURES = "measures", _("меры в отношении руководителя")
    ATTESTATION = "attestation", _("результаты учтены при аттестации руководителя")
    OTHER = "other", _("иное решение")


class ListGroup(models.TextChoices):
    """How leaders and the worst are chosen: within the cycle, or within each type / municipality."""

    CYCLE = "cycle", _("по циклу в целом")
    ORG_TYPE = "org_type", _("по каждому типу организаций")
    TERRITORY = "territory", _("по каждому муниципалитету")


class DocumentKind(models.TextChoices):
    OPERATOR_REPORT = "operator_report", _("отчёт о результатах независимой оценки")
    MINISTRY_LETTER = "ministry_letter", _("информация о работе по результатам (письмо)")
    ATTESTATION = "attestation", _("выписка о результатах для аттестации руководителя")
    XLSX = "xlsx", _("таблицы результатов (XLSX)")
