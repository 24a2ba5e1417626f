"""Schema, step 1 of 3 toward records as agencies report them: drop the old vocabulary constraints
(their values change in 0008), rename high_impact to risk_tier, and add the columns 0008 fills
(contacts, other_specify) with room for the new values."""

from django.db import migrations, models

OLD_CONSTRAINTS = [
    "usecase_topic_vocab", "usecase_activity_vocab", "usecase_audience_vocab", "usecase_ai_class_vocab",
    "usecase_stage_vocab", "usecase_high_impact_vocab", "usecase_has_pii_vocab", "usecase_genai_notice_vocab",
    "usecase_source_vocab", "usecase_verified_vocab", "usecase_status_vocab",
]


class Migration(migrations.Migration):
    dependencies = [("ax_catalog", "0006_published_recent_index")]

    operations = [
        *[migrations.RemoveConstraint(model_name="usecase", name=name) for name in OLD_CONSTRAINTS],
        migrations.RenameField(model_name="usecase", old_name="high_impact", new_name="risk_tier"),
        migrations.RenameField(model_name="usecase", old_name="high_impact_reason", new_name="risk_reason"),
        migrations.AlterField(model_name="usecase", name="risk_tier", field=models.CharField(max_length=24)),
        migrations.AlterField(model_name="usecase", name="has_pii", field=models.CharField(max_length=24)),
        migrations.AlterField(model_name="usecase", name="genai_notice", field=models.CharField(max_length=24)),
        migrations.AddField(model_name="usecase", name="contacts", field=models.JSONField(blank=True, default=list)),
        migrations.AddField(
            model_name="usecase", name="other_specify", field=models.JSONField(blank=True, default=dict)
        ),
    ]
