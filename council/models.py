"""The public council on НОКО: members, meetings, agenda, attendance, decisions.

A council is formed at an education authority (one per territory). Every approval in the assessment chain
(the list of organizations, terms of reference, results, ratings, proposals) is a ``Decision`` that refers
to the approved object generically (content type + id), so any app's object can be approved.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.scopes import scope_for


class CouncilQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_for(user).filter_by_territory(self, "territory")


class Council(models.Model):
    territory = models.OneToOneField(
        "registry.Territory", verbose_name=_("территория"), on_delete=models.PROTECT, related_name="council"
    )
    name = models.CharField(_("наименование"), max_length=500)
    authority_name = models.CharField(_("при каком органе создан"), max_length=500, blank=True)
    # UNCONFIRMED: the council's regulation sets the quorum; "more than half of the members" is the usual rule.
    quorum_share = models.DecimalField(
        _("кворум: доля членов совета"),
        max_digits=3,
        decimal_places=2,
        default=0.5,
        help_text=_("Заседание правомочно, если присутствует больше этой доли членов совета."),
    )
    is_public = models.BooleanField(_("публиковать на портале"), default=True)

    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("общественный совет")
        verbose_name_plural = _("общественные советы")
        ordering = ["territory__parent_id", "territory__name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("council:detail", args=[self.pk])


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("председатель")
    DEPUTY = "deputy", _("заместитель председателя")
    SECRETARY = "secretary", _("секретарь")
    MEMBER = "member", _("член совета")


class CouncilMemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_for(user).filter_by_territory(self, "council__territory")

    def active_on(self, day):
        return self.filter(models.Q(term_start__isnull=True) | models.Q(term_start__lte=day)).filter(
            models.Q(term_end__isnull=True) | models.Q(term_end__gte=day)
        )


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, verbose_name=_("совет"), on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("ФИО"), max_length=300)
    role = models.CharField(_("роль в совете"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    position = models.CharField(_("место работы, должность"), max_length=500, blank=True)
    term_start = models.DateField(_("срок полномочий с"), null=True, blank=True)
    term_end = models.DateField(_("срок полномочий по"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пользователь системы"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="council_seats",
    )

    objects = CouncilMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("член общественного совета")
        verbose_name_plural = _("члены общественного совета")
        ordering = ["council", "role", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    def is_active_on(self, day) -> bool:
        return (self.term_start is None or self.term_start <= day) and (self.term_end is None or self.term_end >= day)


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_for(user).filter_by_territory(self, "council__territory")


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("запланировано")
        HELD = "held", _("проведено")
        CANCELLED = "cancelled", _("отменено")

    council = models.ForeignKey(Council, verbose_name=_("совет"), on_delete=models.CASCADE, related_name="meetings")
    number = models.CharField(_("номер протокола"), max_length=20, blank=True)
    date = models.DateField(_("дата"))
    time = models.TimeField(_("время"), null=True, blank=True)
    place = models.CharField(_("место проведения"), max_length=500, blank=True)
    online = models.BooleanField(_("дистанционно"), default=False)
    online_link = models.URLField(_("ссылка на видеоконференцию"), max_length=500, blank=True)
    status = models.CharField(_("состояние"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    cycle = models.ForeignKey(
        "cycles.Cycle",
        verbose_name=_("цикл оценки"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="council_meetings",
    )
    invited = models.TextField(_("приглашённые"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("заседание совета")
        verbose_name_plural = _("заседания совета")
        ordering = ["council", "-date", "-pk"]

    def __str__(self) -> str:
        number = f"№ {self.number} " if self.number else ""
        return f"Заседание {number}от {self.date:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("council:meeting", args=[self.pk])


class AgendaKind(models.TextChoices):
    LIST = "list", _("О перечне организаций, в отношении которых проводится независимая оценка")
    TERMS = "terms", _("О предложениях к техническому заданию для организации-оператора")
    PROCUREMENT = "procurement", _("О проектах документации о закупке и контракта с организацией-оператором")
    RESULTS = "results", _("О рассмотрении результатов независимой оценки, представленных оператором")
    RATINGS = "ratings", _("О формировании рейтингов деятельности организаций")
    SHORTCOMINGS = "shortcomings", _("Об основных недостатках и предложениях по их устранению")
    PLANS = "plans", _("О ходе реализации планов по устранению недостатков")
    IMPROVEMENT = "improvement", _("О предложениях по совершенствованию независимой оценки")
    OTHER = "other", _("Иной вопрос")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("заседание"), on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("№ вопроса"), default=1)
    kind = models.CharField(_("вид вопроса"), max_length=20, choices=AgendaKind.choices, default=AgendaKind.OTHER)
    title = models.CharField(_("формулировка вопроса"), max_length=1000)
    speaker = models.CharField(_("докладчик"), max_length=300, blank=True)
    discussion = models.TextField(_("слушали / выступили"), blank=True)

    class Meta:
        verbose_name = _("вопрос повестки")
        verbose_name_plural = _("вопросы повестки")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("заседание"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        CouncilMember, verbose_name=_("член совета"), on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("присутствовал"), default=True)

    class Meta:
        verbose_name = _("присутствие")
        verbose_name_plural = _("присутствие")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.member}: {'присутствовал' if self.present else 'отсутствовал'}"


class DecisionKind(models.TextChoices):
    APPROVE_LIST = "approve_list", _("утвердить перечень организаций")
    APPROVE_TERMS = "approve_terms", _("одобрить техническое задание")
    APPROVE_PROCUREMENT = "approve_procurement", _("одобрить документацию о закупке")
    APPROVE_RESULTS = "approve_results", _("утвердить результаты независимой оценки")
    APPROVE_RATINGS = "approve_ratings", _("утвердить рейтинги")
    APPROVE_PROPOSALS = "approve_proposals", _("одобрить предложения по улучшению деятельности")
    TAKE_NOTE = "take_note", _("принять к сведению")
    OTHER = "other", _("иное решение")


# The agenda kind each approving decision belongs to (used to suggest the kind of decision).
DECISION_FOR_AGENDA = {
    AgendaKind.LIST: DecisionKind.APPROVE_LIST,
    AgendaKind.TERMS: DecisionKind.APPROVE_TERMS,
    AgendaKind.PROCUREMENT: DecisionKind.APPROVE_PROCUREMENT,
    AgendaKind.RESULTS: DecisionKind.APPROVE_RESULTS,
    AgendaKind.RATINGS: DecisionKind.APPROVE_RATINGS,
    AgendaKind.SHORTCOMINGS: DecisionKind.APPROVE_PROPOSALS,
    AgendaKind.IMPROVEMENT: DecisionKind.APPROVE_PROPOSALS,
}


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_for(user).filter_by_territory(self, "meeting__council__territory")

    def adopted(self):
        return self.filter(adopted=True)

    def approving(self, obj: models.Model):
        """Adopted decisions that approve OBJ."""
        return self.adopted().filter(
            target_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), target_id=obj.pk
        )


class Decision(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("заседание"), on_delete=models.CASCADE, related_name="decisions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("вопрос повестки"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    kind = models.CharField(_("вид решения"), max_length=30, choices=DecisionKind.choices, default=DecisionKind.OTHER)
    text = models.TextField(_("текст решения"))
    votes_for = models.PositiveSmallIntegerField(_("за"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("против"), default=0)
    votes_abstained = models.PositiveSmallIntegerField(_("воздержались"), default=0)
    adopted = models.BooleanField(_("решение принято"), default=False)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("тип утверждаемого объекта"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(_("идентификатор утверждаемого объекта"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(_("утверждаемый объект"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("решение совета")
        verbose_name_plural = _("решения совета")
        ordering = ["meeting", "pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="decision_target_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:80]}"

    @property
    def territory(self):
        return self.meeting.council.territory
