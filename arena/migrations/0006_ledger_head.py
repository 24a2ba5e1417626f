from django.db import migrations


def create_head(apps, schema_editor):
    apps.get_model("arena", "LedgerHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("arena", "0005_vote_ledger")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
