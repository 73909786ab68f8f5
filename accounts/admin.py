from django.contrib import admin

from accounts.models import ApiToken, Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "territory", "organization"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name"]
    raw_id_fields = ["organization"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash"]
