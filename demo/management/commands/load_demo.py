from django.core.management.base import BaseCommand, CommandError

from demo.region import REGION_NAME, build_demo
from registry.models import Territory


class Command(BaseCommand):
    help = "Загрузить демонстрационный регион (организации, пользователи всех ролей и данные оценки)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--size", type=int, default=300, help="число организаций")
        parser.add_argument("--if-empty", action="store_true", help="ничего не делать, если регион уже загружен")

    def handle(self, *args, seed: int, size: int, if_empty: bool, **options):
        if Territory.objects.filter(name=REGION_NAME, parent__isnull=True).exists():
            if if_empty:
                self.stdout.write("Демонстрационный регион уже загружен.")
                self._print_logins()
                return
            raise CommandError("Демонстрационный регион уже загружен (используйте --if-empty).")
        ctx = build_demo(seed=seed, size=size)
        self.stdout.write(
            self.style.SUCCESS(
                f"Загружен регион «{ctx.region}»: {len(ctx.municipalities)} муниципальных образований, "
                f"{len(ctx.organizations)} организаций."
            )
        )
        self._print_logins()

    def _print_logins(self):
        from django.contrib.auth.models import User

        from demo.region import DEMO_PASSWORD

        self.stdout.write(f"\nВход: http://127.0.0.1:8000/accounts/login/  (пароль у всех: {DEMO_PASSWORD})")
        for user in User.objects.filter(
            username__in=["admin", "region", "mun1", "mun2", "council", "operator", "school"]
        ).prefetch_related("memberships"):
            roles = (
                "; ".join(f"{m.get_role_display()} — {m.organization or m.territory}" for m in user.memberships.all())
                or "администратор системы"
            )
            self.stdout.write(f"  {user.username:<10} {roles}")
