from django.db import migrations


def install(apps, schema_editor):
    from sitecheck.rules import install_rule_set

    install_rule_set("1493-v1", apps.get_model("sitecheck", "SiteRuleSet"), apps.get_model("sitecheck", "SiteRule"))


def remove(apps, schema_editor):
    apps.get_model("sitecheck", "SiteRuleSet").objects.filter(code="1493-v1").delete()


class Migration(migrations.Migration):
    dependencies = [("sitecheck", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
