from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="facilitator")


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_audit_log_to_core")]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
