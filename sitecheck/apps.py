from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitecheckConfig(AppConfig):
    name = "sitecheck"
    verbose_name = _("Проверка сайтов")
    dashboard_cards = ["sitecheck/_dashboard_card.html"]

    def ready(self) -> None:
        from audit.actions import register

        register("sitecheck.check.completed", _("Проверка сайта выполнена"))
        register("sitecheck.run.started", _("Запущена массовая проверка сайтов"))
        register("sitecheck.run.paused", _("Массовая проверка сайтов приостановлена"))
        register("sitecheck.run.resumed", _("Массовая проверка сайтов возобновлена"))
        import sitecheck.tasks  # noqa: F401  (registers the job functions)

    def nav_items(self, request, scope):
        from django.urls import reverse

        from accounts.models import Role

        if scope.is_anonymous:
            return []
        if not scope.sees_everything and scope.roles <= {Role.ORG_STAFF}:
            return [(_("Мой сайт"), reverse("sitecheck:mine"))]
        return [(_("Сайты"), reverse("sitecheck:index"))]
