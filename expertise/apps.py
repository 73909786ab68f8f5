from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "expertise.checklist.loaded": _("Загружена версия чек-листа"),
    "expertise.result.created": _("Начат экспертный чек-лист"),
    "expertise.mark.changed": _("Изменены отметки чек-листа"),
    "expertise.result.submitted": _("Чек-лист отправлен"),
    "expertise.result.reopened": _("Чек-лист возвращён в работу"),
    "expertise.result.imported": _("Чек-лист загружен из файла"),
    "expertise.assignment.changed": _("Изменены назначения экспертов"),
    "expertise.evidence.added": _("Добавлен подтверждающий материал"),
    "expertise.evidence.deleted": _("Удалён подтверждающий материал"),
    "expertise.reply_window.set": _("Установлен срок подачи возражений"),
    "expertise.branch_rule.set": _("Изменено правило учёта филиалов"),
    "expertise.dispute.created": _("Подано возражение организации"),
    "expertise.dispute.accepted": _("Возражение принято"),
    "expertise.dispute.rejected": _("Возражение отклонено"),
    "expertise.dispute.referred": _("Возражение передано в общественный совет"),
}


class ExpertiseConfig(AppConfig):
    name = "expertise"
    verbose_name = _("Экспертные чек-листы")
    dashboard_cards = ["expertise/_dashboard_card.html"]

    def ready(self) -> None:
        from audit.actions import register

        for code, label in AUDIT_ACTIONS.items():
            register(code, label)

    def nav_items(self, request, scope):
        from django.urls import reverse

        if scope.is_anonymous:
            return []
        return [(_("Экспертиза"), reverse("expertise:index"))]
