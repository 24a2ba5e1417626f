from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from arena.endpoints.versions import ATTESTATION_FIELDS, attestation_audit
from arena.models import (
    CHECKPOINT_REQUIRED,
    SIGNER_REQUIRED,
    STATEMENT_REQUIRED,
    Attestation,
    Battle,
    Campaign,
    Cohort,
    MethodChange,
    ModelEndpoint,
    ModerationCount,
    ModerationRule,
    PanelCell,
    ReasonTag,
    Team,
    Turn,
    Vote,
)
from core import roles
from core.audit import audit_record


class InternalFlagForAdministrators:
    """Only an administrator may let an endpoint reach the portal's own network (`is_internal`)."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not roles.has_role(request.user, roles.ADMINISTRATOR):
            fields.append("is_internal")
        return fields


class VariantCapFormSet(BaseInlineFormSet):
    """A team's versions switched on together, counted over the whole submission: each row alone sees
    only what is already stored, so four new rows in one save must be refused here."""

    def clean(self):
        super().clean()
        active = 0
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            instance = form.instance
            if data.get("is_active") and instance.retired_on is None:
                active += 1
        cap = settings.ARENA_MAX_ACTIVE_VARIANTS
        if active > cap:
            raise ValidationError(
                _(
                    "사용: 한 팀이 동시에 쓸 수 있는 익명 변형은 %(cap)d개까지입니다 (지금 %(n)d개). "
                    "다른 버전을 은퇴시키거나 끈 다음 다시 시도하세요."
                )
                % {"cap": cap, "n": active}
            )


class ModelEndpointInline(InternalFlagForAdministrators, admin.TabularInline):
    model = ModelEndpoint
    formset = VariantCapFormSet
    extra = 0
    fields = [
        "name",
        "base_url",
        "model_id",
        "api_key_env",
        "is_internal",
        "weight",
        "is_active",
        "is_healthy",
    ]
    readonly_fields = ["is_healthy"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organization", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["name", "code", "organization"]
    inlines = [ModelEndpointInline]


class AttestationForm(forms.ModelForm):
    release_url = forms.URLField(
        label=Attestation._meta.get_field("release_url").verbose_name, required=False, assume_scheme="https"
    )

    class Meta:
        model = Attestation
        fields = [*ATTESTATION_FIELDS, "signed_at"]
        # The field is named in the message itself, so a refusal read out of context still says which.
        error_messages = {
            "checkpoint": {"required": CHECKPOINT_REQUIRED},
            "statement": {"required": STATEMENT_REQUIRED},
            "signed_by_name": {"required": SIGNER_REQUIRED},
        }


class AttestationInline(admin.StackedInline):
    """What the team declared this version to be (checkpoint, size, licence, release, statement). A
    version without one is never sampled; every sign-off is audit-logged; none is deleted."""

    model = Attestation
    form = AttestationForm
    extra = 0
    max_num = 1
    can_delete = False


@admin.register(ModelEndpoint)
class ModelEndpointAdmin(InternalFlagForAdministrators, admin.ModelAdmin):
    inlines = [AttestationInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Attestation:
            return super().save_formset(request, form, formset, change)
        before = {
            a.pk: {name: getattr(a, name) for name in ATTESTATION_FIELDS}
            for a in Attestation.objects.filter(endpoint=form.instance)
        }
        for attestation in formset.save(commit=False):
            attestation.signed_by = request.user
            attestation.save()
            attestation_audit(
                attestation=attestation, actor=request.user, before=before.get(attestation.pk, {})
            )
        formset.save_m2m()

    list_display = [
        "name",
        "team",
        "model_id",
        "weight",
        "is_active",
        "is_internal",
        "is_healthy",
        "last_probe_at",
    ]
    list_filter = ["is_active", "is_healthy", "is_internal", "team"]
    search_fields = ["name", "model_id", "team__name"]
    # Retirement and drift decisions go through the staff page (/staff/versions/), which checks and
    # audit-logs them; here they are shown only.
    readonly_fields = [
        "is_healthy",
        "last_probe_at",
        "last_probe_error",
        "suspended_at",
        "retired_on",
        "retirement_reason",
        "retirement_note",
        "created_at",
    ]


class TurnInline(admin.StackedInline):
    model = Turn
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in Turn._meta.fields]


@admin.register(Battle)
class BattleAdmin(admin.ModelAdmin):
    list_display = ["id", "model_a", "model_b", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Battle._meta.fields]
    inlines = [TurnInline]

    def has_add_permission(self, request):
        return False


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["battle", "choice", "seconds_after_last_token", "created_at"]
    list_filter = ["choice"]
    readonly_fields = [f.name for f in Vote._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ModerationRule)
class ModerationRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "action", "target", "language", "enabled", "pattern"]
    list_filter = ["category", "action", "target", "language", "enabled"]
    list_editable = ["enabled"]


@admin.register(ModerationCount)
class ModerationCountAdmin(admin.ModelAdmin):
    list_display = ["day", "target", "category", "action", "count"]
    list_filter = ["target", "category", "action"]
    readonly_fields = ["day", "target", "category", "action", "count"]

    def has_add_permission(self, request):
        return False


class PanelCellInline(admin.TabularInline):
    model = PanelCell
    extra = 0
    fields = ["key", "name", "seats", "for_access_needs", "order", "description"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "seats", "is_active", "created_at"]
    exclude = ["salt"]
    inlines = [PanelCellInline]


@admin.register(MethodChange)
class MethodChangeAdmin(admin.ModelAdmin):
    """The changelog is written by arena/ratings/method.py; staff may only give an automatic entry its
    reason (why) and author, audit-logged."""

    list_display = ["version", "effective_at", "title", "author"]
    fields = ["version", "algorithm", "effective_at", "title", "what", "why", "author", "settings"]
    readonly_fields = ["version", "algorithm", "effective_at", "title", "what", "settings"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="method_change_annotated",
            target=f"method:{obj.version}",
            reason=obj.why,
            author=obj.author,
        )


@admin.register(ReasonTag)
class ReasonTagAdmin(admin.ModelAdmin):
    """The one-tap reasons offered after a vote. While none is configured the built-in list applies;
    once any is, only these are offered (switch one off rather than delete it: past taps keep it)."""

    list_display = ["key", "label_ko", "label_en", "polarity", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["polarity", "is_active"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "facilitator", "is_open", "created_at"]
    list_filter = ["is_open"]
    readonly_fields = ["code", "facilitator", "created_at"]

    def has_add_permission(self, request):
        return False  # facilitators open sessions from /arena/sessions/
