from django.db import migrations

# The MOIS 국민평가단 of 2025 had 22 digitally vulnerable members in 322 (6.8%); the same share of the
# programme's 500-seat panel, rounded up.
SEATS = 35


def create(apps, schema_editor):
    Campaign = apps.get_model("arena", "Campaign")
    PanelCell = apps.get_model("arena", "PanelCell")
    for campaign in Campaign.objects.all():
        PanelCell.objects.get_or_create(
            campaign=campaign,
            key="digital-access",
            defaults={
                "name": "디지털 취약계층",
                "seats": SEATS,
                "description": "고령자, 저시력, 색각 이상, 시각장애 등으로 디지털 서비스 이용이 어려운 국민. "
                "본인이 밝히면 참여할 수 있고, 필요한 지원을 받습니다.",
                "for_access_needs": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("arena", "0011_panel_protocol_and_data_reports")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
