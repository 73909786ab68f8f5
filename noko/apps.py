from django.apps import AppConfig


class NokoConfig(AppConfig):
    """The project package as an app: operations commands (backup, restore, queue_probe) and the probe job."""

    name = "noko"
    verbose_name = "Эксплуатация"
