"""``manage.py compute_scores <cycle id> [--no-gather] [--final] [--reason …]``: compute a cycle now."""

from django.core.management.base import BaseCommand, CommandError

from cycles.models import Cycle
from scoring import services
from scoring.choices import ResultStatus


class Command(BaseCommand):
    help = "Рассчитать показатели цикла оценки (сбор данных модулей, расчёт, рейтинги, недостатки)"

    def add_arguments(self, parser):
        parser.add_argument("cycle_id", type=int)
        parser.add_argument("--no-gather", action="store_true", help="не собирать данные модулей сбора")
        parser.add_argument("--final", action="store_true", help="утвердить результаты как итоговые")
        parser.add_argument("--reason", default="", help="основание (обязательно после утверждения)")

    def handle(self, cycle_id, no_gather, final, reason, **options):
        try:
            cycle = Cycle.objects.get(pk=cycle_id)
        except Cycle.DoesNotExist as exc:
            raise CommandError(f"Цикла {cycle_id} нет") from exc
        try:
            run = services.compute_cycle(cycle, None, gather=not no_gather, reason=reason)
            if final and not services.is_final(cycle):
                services.finalize_cycle(None, cycle)
        except services.ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        status = ResultStatus.FINAL if services.is_final(cycle) else ResultStatus.PRELIMINARY
        self.stdout.write(
            f"{cycle}: {run.organizations} организаций, изменено результатов {run.results_changed}, "
            f"результаты {ResultStatus(status).label}"
        )
        for warning in run.warnings:
            self.stdout.write(f"  ! {warning}")
