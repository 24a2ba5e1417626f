"""Administrators manage rounds here: teams in a round, blocks and sub-items. Block weights change only
through the weights page, which requires a reason on a published round and writes the audit log."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from evaluation.appeals import representative_assign
from evaluation.models import Appeal, Block, OriginalityRecord, Round, RoundTeam, SubItem, TeamRepresentative


class BlockInline(admin.TabularInline):
    model = Block
    extra = 0
    fields = ["order", "key", "name", "name_en", "kind", "weight"]

    def get_readonly_fields(self, request, obj=None):
        # A published round's weights change only on the weights page (reason + audit log).
        return ["weight"] if obj is not None and obj.is_published else []


class RoundTeamInline(admin.TabularInline):
    model = RoundTeam
    extra = 0
    fields = ["team", "endpoint", "hub_repo"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "stage", "advance_count", "gate_policy", "is_published", "closed_at"]
    # Publication, closing and the method version change only through the audited pages.
    readonly_fields = [
        "is_published",
        "published_at",
        "method_version",
        "withheld_reason",
        "closed_at",
        "closed_reason",
    ]
    inlines = [BlockInline, RoundTeamInline]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SubItem)
class SubItemAdmin(admin.ModelAdmin):
    list_display = ["name", "block", "points"]
    list_filter = ["block__round"]

    def get_readonly_fields(self, request, obj=None):
        # Sub-item points move scores as much as block weights: frozen once the round is published.
        if obj is not None and obj.block.round.is_published:
            return ["points"]
        return []


@admin.register(TeamRepresentative)
class TeamRepresentativeAdmin(admin.ModelAdmin):
    """Who speaks for which team. Saving here gives the person the role and audit-logs it."""

    list_display = ["user", "team", "created_at"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        try:
            representative_assign(
                user=obj.user, team=obj.team, actor=request.user, reason=_("관리 화면에서 지정")
            )
        except ValidationError as error:
            self.message_user(request, error.messages[0], level="error")


@admin.register(OriginalityRecord)
class OriginalityRecordAdmin(admin.ModelAdmin):
    """Read-only here: records are added and checked on the round's originality page (audit-logged)."""

    list_display = ["entry", "kind", "title", "treatment", "checked_by", "checked_at"]
    list_filter = ["entry__round", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Read-only here: appeals are filed and decided on their pages (audit-logged)."""

    list_display = ["entry", "target", "status", "filed_at", "decided_at"]
    list_filter = ["entry__round", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
