"""Ship the default checklist version 114-v1 (stands, comfort, accessibility) as data."""

import json
from pathlib import Path

from django.db import migrations

SECTION_INDICATOR = {"stand": "1.1", "comfort": "2.1", "premises": "3.1", "service": "3.2"}


def load(apps, schema_editor):
    Checklist = apps.get_model("expertise", "Checklist")
    ChecklistItem = apps.get_model("expertise", "ChecklistItem")
    path = Path(__file__).resolve().parent.parent / "data" / "checklist_114-v1.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if Checklist.objects.filter(code=data["code"]).exists():
        return
    checklist = Checklist.objects.create(code=data["code"], title=data["title"], note=data.get("note", ""))
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            checklist=checklist,
            code=item["code"],
            section=item["section"],
            indicator=item.get("indicator") or SECTION_INDICATOR[item["section"]],
            label=item["label"],
            legal_basis=item.get("legal_basis", ""),
            org_types=item.get("org_types") or [],
            allows_na=bool(item.get("allows_na", False)),
            hint=item.get("hint", ""),
            order=index,
        )
        for index, item in enumerate(data["items"], start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("expertise", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
