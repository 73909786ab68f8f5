from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from noko.api import api
from noko.views import home

admin.site.site_header = "НОКО — администрирование"
admin.site.site_title = "НОКО"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("registry/", include("registry.urls")),
    path("audit/", include("audit.urls")),
    path("jobs/", include("jobs.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("noko.health")),  # /healthz, /healthz/queue
]

# Apps added by later capabilities register their URLs here when they have them.
for _app, _prefix in [
    ("cycles", "cycles/"),
    ("council", "council/"),
    ("surveys", "surveys/"),
    ("sitecheck", "sitecheck/"),
    ("expertise", "expertise/"),
    ("scoring", "scoring/"),
    ("plans", "plans/"),
    ("busgov", "busgov/"),
    ("reports", "reports/"),
    ("portal", "public/"),
]:
    try:
        __import__(f"{_app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"{_app}.urls":
            raise
        continue
    urlpatterns.append(path(_prefix, include(f"{_app}.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
