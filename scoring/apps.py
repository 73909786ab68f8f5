from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Расчёт показателей")
    dashboard_cards = ["scoring/_dashboard_card.html"]

    def ready(self) -> None:
        from audit.actions import register

        register("scoring.input.imported", _("Исходные значения загружены из файла"))
        register("scoring.input.gathered", _("Исходные значения собраны из модулей сбора"))
        register("scoring.input.changed", _("Исходное значение изменено"))
        register("scoring.input.generated", _("Исходные значения сформированы (демонстрация)"))
        register("scoring.cycle.computed", _("Выполнен расчёт показателей цикла"))
        register("scoring.cycle.finalized", _("Результаты цикла утверждены как итоговые"))
        register("scoring.result.changed", _("Результат расчёта изменён"))
        register("scoring.methodology.created", _("Версия методики добавлена"))
        register("scoring.methodology.changed", _("Версия методики изменена"))

    def nav_items(self, request, scope):
        from django.urls import reverse

        if scope.is_anonymous:
            return []
        return [(_("Результаты"), reverse("scoring:index"))]
