from django.contrib import admin

from busgov.models import (
    CampaignActivity,
    CitizenReview,
    ExportPackage,
    Layout,
    Notice,
    Placement,
    ResponsibleOfficial,
    TerritorySettings,
    Topic,
)


@admin.register(Layout)
class LayoutAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "title"]
    list_filter = ["kind"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "criterion_code", "marks_negative", "active", "order"]
    list_editable = ["active", "order"]


@admin.register(TerritorySettings)
class TerritorySettingsAdmin(admin.ModelAdmin):
    list_display = [
        "territory",
        "officials_due_month",
        "officials_due_day",
        "results_working_days",
        "plans_working_days",
    ]


@admin.register(ResponsibleOfficial)
class ResponsibleOfficialAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "organization", "territory", "period_start", "period_end"]
    raw_id_fields = ["organization"]
    search_fields = ["full_name"]


@admin.register(CitizenReview)
class CitizenReviewAdmin(admin.ModelAdmin):
    list_display = ["organization", "posted_on", "rating", "is_negative", "source"]
    list_filter = ["is_negative", "source"]
    raw_id_fields = ["organization", "batch"]


admin.site.register([ExportPackage, Placement, Notice, CampaignActivity])
