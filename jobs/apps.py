from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Фоновые задания"

    def ready(self) -> None:
        # every app keeps its job functions in tasks.py; import them so the registry is complete
        autodiscover_modules("tasks")
