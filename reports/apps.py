from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Отчёты")

    def ready(self) -> None:
        from audit.actions import register

        register("reports.head_action.recorded", _("Записано решение в отношении руководителя организации"))
        register("reports.head_action.deleted", _("Удалено решение в отношении руководителя организации"))
        register("reports.follow_up.saved", _("Сведения о работе по результатам оценки сохранены"))
        register("reports.template.uploaded", _("Загружен шаблон документа"))
        register("reports.template.deleted", _("Удалён шаблон документа"))

    def nav_items(self, request, scope):
        from django.urls import reverse

        if scope.is_anonymous:
            return []
        return [(_("Отчёты"), reverse("reports:index"))]
