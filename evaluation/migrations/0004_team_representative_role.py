from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="team_representative")


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0003_final_round_evidence_and_appeals"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
