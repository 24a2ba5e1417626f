from django import forms
from django.db import models

from ax_catalog.models import Agency, UseCase

EDITABLE = [
    "case_id", "agency", "title", "summary_one_line", "description_public", "org_unit", "contact_email", "url",
    "topic_area", "activity_type", "audience", "ai_class", "model_name", "sovereign_model", "problem", "benefits",
    "outputs", "previous_process", "stage", "start_date", "op_date", "end_date", "dev_method", "vendors",
    "funding_program", "budget_won", "training_data", "operational_data", "has_pii", "high_impact",
    "high_impact_reason", "genai_notice", "impact_assessment", "human_review", "appeal", "risks_mitigations",
    "source_type", "source_url", "source_note",
]  # fmt: skip


def _formfield(field, **kwargs):
    # A link typed without a scheme is https (Django 6's default; said explicitly until then).
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class UseCaseForm(forms.ModelForm):
    class Meta:
        model = UseCase
        formfield_callback = _formfield
        fields = EDITABLE
        widgets = {f: forms.DateInput(attrs={"type": "date"}) for f in ("start_date", "op_date", "end_date")}

    def __init__(self, *args, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        # An editor files cases for their own agencies only.
        if editor is not None and not editor.is_superuser:
            self.fields["agency"].queryset = Agency.objects.filter(editors=editor)
        if self.instance.pk:
            self.fields["case_id"].disabled = True  # never reused, never renamed


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("publish", "publish"), ("return", "return")])
    comment = forms.CharField(required=False, max_length=4000)
