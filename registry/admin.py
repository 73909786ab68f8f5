from django.contrib import admin

from registry.models import ImportBatch, Organization, Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "timezone"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "org_type", "territory", "inn", "status", "contingent"]
    list_filter = ["org_type", "status", "territory"]
    search_fields = ["name_search", "inn", "ogrn"]
    raw_id_fields = ["parent"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "created_by", "created_at", "status"]
    readonly_fields = ["rows", "diff", "warnings"]
