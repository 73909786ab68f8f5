from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Планы устранения недостатков")
    dashboard_cards = ["plans/_dashboard_card.html"]

    def ready(self) -> None:
        from audit.actions import register

        register("plans.plan.seeded", _("Проекты планов по устранению недостатков сформированы"))
        register("plans.plan.submitted", _("План направлен на утверждение"))
        register("plans.plan.returned", _("План возвращён на доработку"))
        register("plans.plan.approved", _("План утверждён"))
        register("plans.plan.reopened", _("Утверждение плана отменено"))
        register("plans.plan.exception", _("Оформлено исключение: план не составляется"))
        register("plans.plan.exception_cancelled", _("Исключение по плану отменено"))
        register("plans.plan.published", _("План отмечен как размещённый"))
        register("plans.plan.unpublished", _("Отметка о размещении плана снята"))
        register("plans.plan.reported", _("Представлены сведения о ходе реализации плана"))
        register("plans.item.changed", _("Мероприятие плана изменено"))
        register("plans.item.added", _("Мероприятие добавлено в план"))
        register("plans.item.deleted", _("Мероприятие удалено из плана"))
        register("plans.item.progress", _("Ход реализации мероприятия изменён"))
        register("plans.evidence.added", _("Подтверждение исполнения приложено"))
        register("plans.evidence.deleted", _("Подтверждение исполнения удалено"))
        register("plans.schedule.saved", _("Сроки по планам изменены"))

    def nav_items(self, request, scope):
        from django.urls import reverse

        if scope.is_anonymous:
            return []
        items = [(_("Планы"), reverse("plans:list"))]
        if scope.territory_ids:
            items.append((_("Контроль планов"), reverse("plans:control")))
        return items
