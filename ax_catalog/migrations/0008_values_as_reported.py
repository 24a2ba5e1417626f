"""Data: old values in the new vocabularies. "미확인" (unknown) becomes "보고되지 않음"; 고영향 해당 becomes
the AI Basic Act tier 고영향, and both "not high-impact" answers become 해당 없음 (an answer was given);
the one contact e-mail becomes the first of the contacts; free-text development methods are kept as
"other, specify"."""

from django.db import migrations

RISK = {"yes": "high_impact", "reviewed_no": "not_applicable", "no": "not_applicable"}
DEV_METHOD = {"": "not_reported"}


def forward(apps, schema_editor):
    UseCase = apps.get_model("ax_catalog", "UseCase")
    for case in UseCase.objects.all().iterator():
        case.risk_tier = RISK.get(case.risk_tier, "not_reported")
        case.has_pii = "not_reported" if case.has_pii == "unknown" else case.has_pii
        case.genai_notice = "not_reported" if case.genai_notice == "unknown" else case.genai_notice
        case.contacts = [case.contact_email] if case.contact_email else []
        method = case.dev_method.strip()
        case.dev_method = "not_reported" if not method else "other"
        if method:
            case.other_specify = {"dev_method": method}
        case.save(update_fields=["risk_tier", "has_pii", "genai_notice", "contacts", "dev_method", "other_specify"])


def backward(apps, schema_editor):
    UseCase = apps.get_model("ax_catalog", "UseCase")
    back = {"high_impact": "yes", "not_applicable": "no"}
    for case in UseCase.objects.all().iterator():
        case.risk_tier = back.get(case.risk_tier, "no")
        case.has_pii = "unknown" if case.has_pii == "not_reported" else case.has_pii
        case.genai_notice = "unknown" if case.genai_notice == "not_reported" else case.genai_notice
        case.contact_email = case.contacts[0] if case.contacts else ""
        case.dev_method = (case.other_specify or {}).get("dev_method", "")
        case.save()


class Migration(migrations.Migration):
    dependencies = [("ax_catalog", "0007_widen_for_reported_values")]

    operations = [migrations.RunPython(forward, backward)]
