import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The audit log moves from the portal app to the kernel: state only, the table stays."""

    initial = True

    dependencies = [
        ("portal", "0002_audit_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditLog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("action", models.CharField(max_length=60, verbose_name="조치")),
                        ("target", models.CharField(max_length=200, verbose_name="대상")),
                        ("reason", models.TextField(verbose_name="사유")),
                        ("details", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("actor", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "감사 기록",
                        "verbose_name_plural": "감사 기록",
                        "ordering": ["-created_at"],
                        "db_table": "portal_auditlog",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
