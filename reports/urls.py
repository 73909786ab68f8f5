from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("t/<int:territory_id>/<int:year>/", views.scope_page, name="scope"),
    path("t/<int:territory_id>/<int:year>/generate/<str:document>/", views.generate, name="generate"),
    path("t/<int:territory_id>/<int:year>/leaders/", views.leaders, name="leaders"),
    path("t/<int:territory_id>/<int:year>/follow-up/", views.follow_up, name="follow_up"),
    path("t/<int:territory_id>/templates/", views.templates, name="templates"),
    path("templates/<str:kind>.docx", views.default_template, name="default_template"),
    path("actions/<int:pk>/delete/", views.delete_action, name="delete_action"),
    path("org/<int:entry_id>/", views.organization, name="organization"),
    path("org/<int:entry_id>/attestation.docx", views.attestation, name="attestation"),
    path("org/<int:entry_id>/card.pdf", views.card_pdf_view, name="card_pdf"),
    path("jobs/<int:job_id>/file/", views.job_file, name="job_file"),
]
