"""Administrators manage rounds here: teams in a round, blocks and sub-items. Block weights change only
through the weights page, which requires a reason on a published round and writes the audit log."""

from django.contrib import admin

from evaluation.models import Block, Round, RoundTeam, SubItem


class BlockInline(admin.TabularInline):
    model = Block
    extra = 0
    fields = ["order", "key", "name", "kind", "weight"]

    def get_readonly_fields(self, request, obj=None):
        # A published round's weights change only on the weights page (reason + audit log).
        return ["weight"] if obj is not None and obj.is_published else []


class RoundTeamInline(admin.TabularInline):
    model = RoundTeam
    extra = 0
    fields = ["team", "endpoint", "hub_repo"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "stage", "advance_count", "is_published"]
    readonly_fields = ["is_published", "published_at"]
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
