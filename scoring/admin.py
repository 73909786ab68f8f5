from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from scoring import services
from scoring.models import Methodology, Rating, Result, ScoreInput, ScoringRun, Shortcoming


@admin.register(Methodology)
class MethodologyAdmin(admin.ModelAdmin):
    """Versions are read-only here: a new version is made from an existing one (the action below)."""

    list_display = ["code", "title", "denominator_mode", "zero_policy", "rounding_mode", "created_at"]
    actions = ["copy_as_new_version"]

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.results.exists()

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.results.exists()

    def save_model(self, request, obj, form, change):
        if change:
            services.check_methodology_edit(request.user, obj, form.changed_data)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Создать новую версию на основе выбранной"))
    def copy_as_new_version(self, request, queryset):
        for base in queryset:
            code = f"{base.code}-copy"
            number = 2
            while Methodology.objects.filter(code=code).exists():
                code = f"{base.code}-copy{number}"
                number += 1
            services.create_methodology_version(request.user, base, code, title=f"{base.title} (копия)")
            self.message_user(request, _("Создана версия %(code)s") % {"code": code}, messages.SUCCESS)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoreInput)
class ScoreInputAdmin(_ReadOnly):
    list_display = ["cycle_organization", "key", "value", "source", "updated_at"]
    list_filter = ["source", "cycle"]
    search_fields = ["key", "cycle_organization__organization__short_name"]


@admin.register(Result)
class ResultAdmin(_ReadOnly):
    list_display = ["cycle_organization", "code", "value", "n", "low_n", "status", "methodology_version"]
    list_filter = ["status", "level", "cycle"]


@admin.register(Rating)
class RatingAdmin(_ReadOnly):
    list_display = ["cycle_organization", "code", "group", "group_key", "position", "group_size", "value"]
    list_filter = ["code", "group", "cycle"]


@admin.register(Shortcoming)
class ShortcomingAdmin(_ReadOnly):
    list_display = ["cycle_organization", "indicator_code", "text", "severity", "active"]
    list_filter = ["active", "kind", "severity", "cycle"]


@admin.register(ScoringRun)
class ScoringRunAdmin(_ReadOnly):
    list_display = ["cycle", "methodology_version", "result_status", "started_by", "started_at", "results_changed"]
