"""Ship the file layouts (results, plans, reviews, status: version 1) and the review topics as data."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
LAYOUTS = ["results-v1", "plans-v1", "reviews-v1", "status-v1"]


def create(apps, schema_editor):
    Layout = apps.get_model("busgov", "Layout")
    Topic = apps.get_model("busgov", "Topic")
    for code in LAYOUTS:
        data = json.loads((DATA / "layouts" / f"{code}.json").read_text(encoding="utf-8"))
        Layout.objects.get_or_create(
            code=code,
            defaults={
                "kind": data["kind"],
                "title": data["title"],
                "basis": data["basis"],
                "definition": data["definition"],
            },
        )
    topics = json.loads((DATA / "topics-v1.json").read_text(encoding="utf-8"))
    for order, topic in enumerate(topics["topics"], start=1):
        Topic.objects.get_or_create(
            code=topic["code"],
            defaults={
                "label": topic["label"],
                "criterion_code": topic.get("criterion", ""),
                "keywords": topic["keywords"],
                "order": order,
            },
        )
    Topic.objects.get_or_create(
        code="negative",
        defaults={
            "label": "отрицательная тональность",
            "keywords": topics["negative_markers"],
            "marks_negative": True,
            "order": 100,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("busgov", "Layout").objects.filter(code__in=LAYOUTS).delete()
    apps.get_model("busgov", "Topic").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("busgov", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
