"""Check official websites from the command line.

manage.py sitecheck --org ID [--adhoc] [--tolerant]   one organization (bound to its current cycle)
manage.py sitecheck --cycle ID [--tolerant]           every organization of a cycle (a mass run)
manage.py sitecheck --url URL [--type SCH]            any address, nothing stored: prints the report
manage.py sitecheck --install-rules 1493-v1           (re)load a rule version from sitecheck/rules/
"""

from __future__ import annotations

import asyncio
import datetime as dt

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from cycles.models import Cycle
from registry.models import Organization
from sitecheck import services
from sitecheck.engine.fetch import Fetcher
from sitecheck.engine.runner import crawl_one
from sitecheck.engine.site import analyze_site
from sitecheck.rules import install_rule_set, rulebook_for


class Command(BaseCommand):
    help = "Проверка официальных сайтов образовательных организаций"

    def add_arguments(self, parser):
        parser.add_argument("--org", type=int, help="id организации")
        parser.add_argument("--cycle", type=int, help="id цикла (массовая проверка)")
        parser.add_argument("--url", help="адрес сайта (проверка без сохранения)")
        parser.add_argument("--type", default="SCH", help="тип организации для --url: DOU, SCH, SPO, DO …")
        parser.add_argument("--rules", default="1493-v1", help="версия требований для --url")
        parser.add_argument("--adhoc", action="store_true", help="не привязывать к циклу")
        parser.add_argument("--tolerant", action="store_true", help="учитывать устаревшие имена itemprop")
        parser.add_argument("--user", default="admin", help="от чьего имени (логин)")
        parser.add_argument("--install-rules", metavar="CODE", help="загрузить версию требований из файла")

    def handle(self, *args, **opts):
        if opts["install_rules"]:
            rule_set = install_rule_set(opts["install_rules"])
            self.stdout.write(f"{rule_set.code}: {rule_set.rules.count()} правил")
            return
        if opts["url"]:
            return self._url(opts)
        user = User.objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"нет пользователя {opts['user']}")
        if opts["org"]:
            org = Organization.objects.filter(pk=opts["org"]).first()
            if org is None:
                raise CommandError(f"нет организации с id {opts['org']}")
            entry = None if opts["adhoc"] else services.current_entry(org)
            check = services.start_check(user, org, cycle_organization=entry, tolerant=opts["tolerant"])
            check.refresh_from_db()
            self._print_check(check)
        elif opts["cycle"]:
            cycle = Cycle.objects.filter(pk=opts["cycle"]).first()
            if cycle is None:
                raise CommandError(f"нет цикла с id {opts['cycle']}")
            run = services.start_run(user, cycle, tolerant=opts["tolerant"])
            run.refresh_from_db()
            self.stdout.write(f"{run.title}: {run.get_status_display()}, проверено {run.done} из {run.total}")
        else:
            raise CommandError("укажите --org, --cycle или --url")

    def _print_check(self, check):
        self.stdout.write(
            f"{check.organization}: {check.get_status_display()}; "
            f"сведения {check.items_placed}/{check.items_required}; "
            f"способы связи {check.channel_count}; версия для слабовидящих: {'да' if check.has_bvi else 'нет'}"
        )
        if check.site_error:
            self.stdout.write(self.style.ERROR(check.site_error))

    def _url(self, opts):
        book = rulebook_for(opts["rules"])
        config = services.fetch_config()

        async def go():
            async with Fetcher(config) as fetcher:
                return await crawl_one(fetcher, opts["url"], book, config.site_timeout)

        crawl = asyncio.run(go())
        report = analyze_site(book, crawl, org_type=opts["type"], as_of=dt.date.today(), tolerant=opts["tolerant"])
        summary = report.summary
        if crawl.error:
            self.stdout.write(self.style.ERROR(crawl.error))
        self.stdout.write(f"Сведения: {summary['items_placed']} из {summary['items_required']}")
        for code, status in summary["sections"].items():
            result = report.results[code]
            self.stdout.write(f"  {code:13} {status:9} {result.items_placed}/{result.items_required}")
        self.stdout.write("Способы связи: " + ", ".join(c for c, ok in summary["channels"].items() if ok))
        self.stdout.write(f"Версия для слабовидящих: {'да' if summary['bvi'] else 'нет'}")
