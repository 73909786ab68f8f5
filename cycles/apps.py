from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "cycles"
    verbose_name = _("Циклы оценки")

    def ready(self) -> None:
        from audit.actions import register

        register("cycles.cycle.created", _("Цикл оценки создан"))
        register("cycles.cycle.phase", _("Этап цикла изменён"))
        register("cycles.list.added", _("Организации включены в список цикла"))

    def nav_items(self, request, scope):
        from django.urls import reverse

        if scope.is_anonymous:
            return []
        return [(_("Циклы"), reverse("cycles:list"))]
