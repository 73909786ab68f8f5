from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/delete/", views.organization_delete, name="delete"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
]
