from django.db import migrations


class Migration(migrations.Migration):
    """The audit log now belongs to the kernel (core.0001 takes over the same table): state only."""

    dependencies = [
        ("portal", "0002_audit_log"),
        ("core", "0001_audit_log_from_portal"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditLog")],
            database_operations=[],
        ),
    ]
