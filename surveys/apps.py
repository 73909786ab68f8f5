from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Анкетирование")
    dashboard_cards = ["surveys/_dashboard_card.html"]

    def ready(self) -> None:
        from audit.actions import register

        register("surveys.campaign.saved", _("Опрос: параметры сохранены"))
        register("surveys.campaign.published", _("Опрос: анкета опубликована"))
        register("surveys.link.target", _("Опрос: целевое число анкет изменено"))
        register("surveys.response.entered", _("Опрос: анкета внесена оператором"))
        register("surveys.response.accepted", _("Опрос: анкета принята после проверки"))
        register("surveys.response.excluded", _("Опрос: анкета исключена"))
        register("surveys.response.restored", _("Опрос: анкета восстановлена"))
        register("surveys.import.applied", _("Опрос: анкеты загружены из файла"))
        register("surveys.hashes.purged", _("Опрос: сетевые отпечатки удалены"))

    def nav_items(self, request, scope):
        from django.urls import reverse

        if scope.is_anonymous:
            return []
        return [(_("Анкетирование"), reverse("surveys:index"))]
