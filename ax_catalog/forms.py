"""The editor's form: the record as the model holds it, with the pieces a model form cannot show by
itself (several contacts, dates at their reported precision, "other, specify", withheld fields)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ax_catalog import dates
from ax_catalog.models import (
    PRACTICES,
    REPORTED_DATES,
    SPECIFIABLE,
    VOCABULARIES,
    WITHHOLDABLE,
    Agency,
    SourceType,
    UseCase,
    WithheldReason,
)

EDITABLE = [
    "agency",
    "agency_ref",
    "title",
    "summary_one_line",
    "description_public",
    "org_unit",
    "url",
    "topic_area",
    "activity_type",
    "audience",
    "ai_class",
    "model_name",
    "sovereign_model",
    "problem",
    "benefits",
    "outputs",
    "previous_process",
    "stage",
    "dev_method",
    "vendors",
    "funding_program",
    "budget_won",
    "has_custom_code",
    "code_url",
    "security_review",
    "training_data",
    "operational_data",
    "data_url",
    "has_pii",
    "pia_url",
    "risk_tier",
    "high_impact_area",
    "risk_reason",
    "genai_notice",
    *PRACTICES,
    "impact_assessment",
    "human_review",
    "appeal",
    "risks_mitigations",
    "objection_office",
    "objection_channel",
    "objection_url",
    "source_type",
    "source_url",
    "source_note",
]


def _formfield(field, **kwargs):
    # A link typed without a scheme is https (Django 6's default; said explicitly until then).
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ReportedDateField(forms.CharField):
    """A date typed as 2025, 2025-07 or 2025-07-14; cleans to a dates.ReportedDate (or None)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("연, 연-월 또는 연-월-일 (예: 2025, 2025-07, 2025-07-14)"))
        super().__init__(max_length=10, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        parsed = dates.parse(text)
        if parsed is None:
            raise ValidationError(_("날짜는 2025, 2025-07, 2025-07-14처럼 적어 주세요."))
        return parsed


class ContactsField(forms.CharField):
    """Several contact e-mails, one per line (commas and semicolons also separate)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def clean(self, value):
        text = super().clean(value) or ""
        emails = [
            part.strip() for part in text.replace(";", "\n").replace(",", "\n").splitlines() if part.strip()
        ]
        for email in emails:
            try:
                EmailValidator()(email)
            except ValidationError:
                raise ValidationError(_("올바른 메일 주소가 아닙니다: %(v)s") % {"v": email}) from None
        return list(dict.fromkeys(emails))


class UseCaseForm(forms.ModelForm):
    contacts = ContactsField(
        label=_("문의처 (부서 메일, 한 줄에 하나)"), required=False, help_text=_("여러 개를 적을 수 있습니다")
    )
    start_date = ReportedDateField(label=_("착수일"))
    op_date = ReportedDateField(label=_("운영(시범) 개시일"))
    end_date = ReportedDateField(label=_("종료일"))
    withheld_fields = forms.MultipleChoiceField(
        label=_("비공개 항목"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("법령·보안상 공개하지 않는 항목을 고르면 '비공개'와 사유로 표시됩니다"),
    )
    withheld_reason = forms.ChoiceField(
        label=_("비공개 사유"), required=False, choices=[("", "—"), *WithheldReason.choices]
    )

    class Meta:
        model = UseCase
        formfield_callback = _formfield
        fields = EDITABLE

    def __init__(self, *args, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        # What the portal asks of every filing: a name, an agency and one sentence of what it does.
        # Everything else may be left as it is (보고되지 않음) and counts toward completeness instead.
        for name, field in self.fields.items():
            field.required = name in ("title", "agency", "summary_one_line")
        self.fields["source_type"].initial = SourceType.AGENCY
        for key in SPECIFIABLE:
            self.fields[f"{key}_other"] = forms.CharField(
                label=_("%(field)s: 기타 (직접 기재)") % {"field": UseCase._meta.get_field(key).verbose_name},
                required=False,
                max_length=200,
                initial=(self.instance.other_specify or {}).get(key, ""),
            )
        self.fields["withheld_fields"].choices = [
            (key, UseCase._meta.get_field(key).verbose_name) for key in WITHHOLDABLE
        ]
        if self.instance.pk:
            self.initial.setdefault("contacts", "\n".join(self.instance.contacts))
            for key in REPORTED_DATES:
                self.initial.setdefault(key, self.instance.reported_date(key))
            self.initial.setdefault("withheld_fields", list(self.instance.withheld or {}))
            reasons = set((self.instance.withheld or {}).values())
            self.initial.setdefault("withheld_reason", reasons.pop() if len(reasons) == 1 else "")
        # An editor files cases for their own agencies only.
        if editor is not None and not editor.is_superuser:
            self.fields["agency"].queryset = Agency.objects.filter(editors=editor)

    def clean(self):
        data = super().clean()
        for name in VOCABULARIES:  # a vocabulary left out of the form keeps its default
            if name in self.fields and not data.get(name):
                data[name] = self.fields[name].initial or UseCase._meta.get_field(name).get_default()
        data["source_type"] = data.get("source_type") or SourceType.AGENCY
        if data.get("withheld_fields") and not data.get("withheld_reason"):
            self.add_error("withheld_reason", _("비공개 항목의 사유를 골라 주세요."))
        return data

    def save(self, commit=True):
        case = super().save(commit=False)
        data = self.cleaned_data
        case.contacts = data["contacts"]
        for key in REPORTED_DATES:
            value = data[key]
            setattr(case, key, value.date if value else None)
            setattr(case, f"{key}_precision", value.precision if value else dates.DAY)
        case.other_specify = {
            key: data[f"{key}_other"].strip()
            for key in SPECIFIABLE
            if data.get(f"{key}_other", "").strip() and getattr(case, key) == "other"
        }
        case.withheld = dict.fromkeys(data.get("withheld_fields") or [], data["withheld_reason"])
        for key in case.withheld:  # withheld means not shown: nothing of it is kept beside the reason
            field = UseCase._meta.get_field(key)
            setattr(case, key, [] if key == "contacts" else (None if field.null else ""))
        if commit:
            case.save()
        return case


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("publish", "publish"), ("return", "return")])
    comment = forms.CharField(required=False, max_length=4000)


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("이 사례에 대한 의견"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000, "aria-describedby": "feedback-help"}),
        help_text=_(
            "1,000자 이내. 개인정보(이름, 연락처, 주민등록번호 등)는 적지 마세요. 적으면 가려서 저장합니다."
        ),
    )
    # A field people do not see: a form that fills it is a robot's.
    website = forms.CharField(required=False, widget=forms.HiddenInput)
