import secrets

from django.db import migrations


def create(apps, schema_editor):
    Campaign = apps.get_model("arena", "Campaign")
    if not Campaign.objects.exists():
        Campaign.objects.create(slug="stage-2", name="2차 단계 국민평가단", salt=secrets.token_hex(32))


class Migration(migrations.Migration):
    dependencies = [("arena", "0008_campaigns_panel_profiles")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
