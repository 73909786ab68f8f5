from django.urls import path

from busgov import views

app_name = "busgov"

urlpatterns = [
    path("", views.index, name="index"),
    path("officials/", views.officials, name="officials"),
    path("officials/new/", views.official_edit, name="official_new"),
    path("officials/<int:pk>/", views.official_edit, name="official_edit"),
    path("officials/<int:pk>/delete/", views.official_delete, name="official_delete"),
    path("officials/template.xlsx", views.officials_template, name="officials_template"),
    path("upload/<str:kind>/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/schedule/", views.cycle_schedule, name="cycle_schedule"),
    path("cycles/<int:pk>/export/<str:kind>/", views.cycle_export, name="cycle_export"),
    path("packages/<int:pk>/", views.package_detail, name="package"),
    path("packages/<int:pk>/download/<str:fmt>/", views.package_download, name="package_download"),
    path("placement/<int:entry_pk>/<str:kind>/", views.placement_edit, name="placement"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/list/", views.review_list, name="review_list"),
    path("reviews/new/", views.review_new, name="review_new"),
    path("reviews/retag/", views.reviews_retag, name="reviews_retag"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/docx/", views.notice_docx, name="notice_docx"),
    path("campaign/", views.campaign, name="campaign"),
    path("campaign/leaflet/<int:org_pk>/", views.leaflet, name="leaflet"),
    path("settings/<int:territory_pk>/", views.territory_settings, name="settings"),
]
