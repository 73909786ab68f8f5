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
        register("cycles.list.set", _("Список организаций цикла сформирован"))
        register("cycles.list.approved", _("Список организаций цикла утверждён советом"))
        register("cycles.list.changed", _("Утверждённый список организаций изменён"))
        register("cycles.history.recorded", _("Внесены сведения о проведённых ранее оценках"))
        register("cycles.phase.dates", _("Сроки этапа цикла изменены"))
        register("cycles.operator.saved", _("Сведения об организации-операторе сохранены"))
        register("cycles.operator.milestone", _("Этап работ оператора добавлен"))
        register("cycles.operator.milestone_done", _("Этап работ оператора выполнен"))
        register("cycles.operator.accepted", _("Отчёт оператора принят"))
        register("cycles.target.planned", _("Плановое значение целевого показателя изменено"))
        register("cycles.activity.created", _("План мероприятий по НОКО создан"))
        register("cycles.activity.item_saved", _("Мероприятие плана изменено"))

    def nav_items(self, request, scope):
        from django.urls import reverse

        if scope.is_anonymous:
            return []
        items = [(_("Циклы"), reverse("cycles:list"))]
        if scope.territory_ids:
            items += [
                (_("Целевые показатели"), reverse("cycles:indicators")),
                (_("План мероприятий"), reverse("cycles:activity_list")),
            ]
        return items
