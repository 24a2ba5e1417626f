from django.contrib import admin

from arena.models import (
    Attestation,
    Battle,
    Campaign,
    Cohort,
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


class InternalFlagForAdministrators:
    """Only an administrator may let an endpoint reach the portal's own network (`is_internal`)."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not roles.has_role(request.user, roles.ADMINISTRATOR):
            fields.append("is_internal")
        return fields


class ModelEndpointInline(InternalFlagForAdministrators, admin.TabularInline):
    model = ModelEndpoint
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


class AttestationInline(admin.StackedInline):
    """What the team declared this version to be (checkpoint, size, licence, release, statement)."""

    model = Attestation
    extra = 0
    max_num = 1


@admin.register(ModelEndpoint)
class ModelEndpointAdmin(InternalFlagForAdministrators, admin.ModelAdmin):
    inlines = [AttestationInline]
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
    readonly_fields = ["is_healthy", "last_probe_at", "last_probe_error", "created_at"]


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
