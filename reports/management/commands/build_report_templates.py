from django.core.management.base import BaseCommand

from reports.doc_templates.build import write_all


class Command(BaseCommand):
    help = "Пересобрать поставляемые шаблоны DOCX отчётов (reports/doc_templates/*.docx)"

    def handle(self, *args, **options):
        for path in write_all():
            self.stdout.write(f"{path}")
