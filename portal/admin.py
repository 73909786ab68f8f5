from django.contrib import admin

from portal.models import NewsItem


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "published_on", "is_published"]
    list_filter = ["is_published", "territory"]
    search_fields = ["title", "text"]
