from django.apps import AppConfig


class BusgovConfig(AppConfig):
    name = "busgov"
    verbose_name = "bus.gov.ru"
