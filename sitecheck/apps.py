from django.apps import AppConfig


class SitecheckConfig(AppConfig):
    name = "sitecheck"
    verbose_name = "Проверка сайтов"
