"""Administrators assign agency editors here. Use cases themselves change only through the editor and
reviewer workflow (/ax/manage/), which versions every change and keeps review in the loop, so the
admin shows them read-only."""

from django.contrib import admin

from ax_catalog.models import Agency, UseCase


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "agency_type", "country"]
    list_filter = ["agency_type", "country"]
    search_fields = ["name", "code"]
    filter_horizontal = ["editors"]


@admin.register(UseCase)
class UseCaseAdmin(admin.ModelAdmin):
    list_display = ["case_id", "title", "agency", "status"]
    list_filter = ["status", "agency"]
    search_fields = ["case_id", "title"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
