from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = _("Общественный совет")

    def ready(self) -> None:
        from audit.actions import register
        from council import approvals  # noqa: F401 - registers the approval handlers

        register("council.council.created", _("Общественный совет создан"))
        register("council.member.saved", _("Состав общественного совета изменён"))
        register("council.meeting.saved", _("Заседание совета запланировано или изменено"))
        register("council.agenda.added", _("Вопрос включён в повестку заседания"))
        register("council.attendance.recorded", _("Отмечено присутствие на заседании"))
        register("council.decision.recorded", _("Решение совета записано"))

    def nav_items(self, request, scope):
        from django.urls import reverse

        if scope.is_anonymous or not scope.territory_ids:
            return []
        return [(_("Общественный совет"), reverse("council:list"))]
