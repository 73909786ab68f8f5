from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusgovConfig(AppConfig):
    name = "busgov"
    verbose_name = "bus.gov.ru"
    dashboard_cards = ["busgov/_dashboard_card.html"]

    def ready(self) -> None:
        from audit.actions import register

        register("busgov.settings.saved", _("Настройки bus.gov.ru изменены"))
        register("busgov.official.created", _("Назначено ответственное должностное лицо"))
        register("busgov.official.changed", _("Сведения об ответственном должностном лице изменены"))
        register("busgov.official.deleted", _("Сведения об ответственном должностном лице удалены"))
        register("busgov.schedule.saved", _("Срок размещения результатов на bus.gov.ru изменён"))
        register("busgov.placement.marked", _("Отметка о размещении на bus.gov.ru изменена"))
        register("busgov.package.started", _("Начато формирование пакета для bus.gov.ru"))
        register("busgov.package.generated", _("Пакет для bus.gov.ru сформирован"))
        register("busgov.import.uploaded", _("Загружен файл bus.gov.ru (ожидает подтверждения)"))
        register("busgov.import.discarded", _("Загрузка файла bus.gov.ru отменена"))
        register("busgov.reviews.imported", _("Отзывы граждан загружены из выгрузки bus.gov.ru"))
        register("busgov.status.imported", _("Статусы размещения загружены из выгрузки bus.gov.ru"))
        register("busgov.officials.imported", _("Реестр ответственных загружен из файла"))
        register("busgov.review.added", _("Отзыв гражданина внесён вручную"))
        register("busgov.review.retagged", _("Темы отзывов пересчитаны по правилам"))
        register("busgov.response.saved", _("Ответ на отзыв сохранён"))
        register("busgov.response.deleted", _("Ответ на отзыв удалён"))
        register("busgov.notice.prepared", _("Подготовлено письмо органу управления"))
        register("busgov.notice.sent", _("Письмо органу управления отмечено как отправленное"))
        register("busgov.campaign.added", _("Внесено мероприятие информационной кампании"))

    def nav_items(self, request, scope):
        from django.urls import reverse

        if scope.is_anonymous:
            return []
        return [(_("bus.gov.ru"), reverse("busgov:index"))]
