"""Recompute the suspicion flags of a cycle's questionnaires (after a change of the SURVEYS_… settings)."""

from django.core.management.base import BaseCommand

from surveys import services


class Command(BaseCommand):
    help = "Пересчитать признаки подозрительности анкет цикла"

    def add_arguments(self, parser):
        parser.add_argument("cycle_id", type=int)

    def handle(self, *args, cycle_id: int, **options):
        totals = services.rescore_cycle(cycle_id)
        self.stdout.write("Проверено: {checked}, на проверке: {held}, изменено: {changed}".format(**totals))
