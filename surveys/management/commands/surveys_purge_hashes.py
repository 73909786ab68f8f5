"""Forget the address/device hashes of the questionnaires of closed cycles (run from cron)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cycles.models import Cycle, Phase
from surveys import services


class Command(BaseCommand):
    help = "Удалить сетевые отпечатки (хеши адресов и устройств) анкет завершённых циклов"

    def add_arguments(self, parser):
        parser.add_argument(
            "--as", dest="username", required=True, help="пользователь, от имени которого пишется журнал"
        )

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Пользователь {username} не найден")
        total = 0
        for cycle in Cycle.objects.filter(phase=Phase.CLOSED, survey_campaign__isnull=False):
            total += services.purge_network_hashes(user, cycle)
        self.stdout.write(f"Отпечатки удалены у анкет: {total}")
