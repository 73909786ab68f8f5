"""Ship methodology version "344n-114-v1" (methodology.md §15) as data."""

import json
from pathlib import Path

from django.db import migrations

CODE = "344n-114-v1"
DATA_FILE = Path(__file__).resolve().parent.parent / "data" / f"{CODE}.json"


def create(apps, schema_editor):
    Methodology = apps.get_model("scoring", "Methodology")
    definition = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    Methodology.objects.get_or_create(
        code=CODE,
        defaults={
            "title": definition["title"],
            "description": (
                "Критерии К1–К5 и показатели 1.1–5.3 по приказу Минпросвещения № 114, формулы и значимость "
                "по Единому порядку 344н; знаменатель долей — ответившие на вопрос; нулевой знаменатель — "
                "показатель исключается, веса критерия перераспределяются; полная точность, публикация с 2 знаками."
            ),
            "definition": definition,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("scoring", "Methodology").objects.filter(code=CODE, results__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
