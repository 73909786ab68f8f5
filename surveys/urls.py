from django.urls import path

from surveys import public_views, views

app_name = "surveys"

urlpatterns = [
    # public: the form an organization's link or QR code opens (no login)
    path("a/<str:code>/", public_views.form_view, name="form"),
    path("a/<str:code>/part/<str:gate>/", public_views.form_part, name="form_part"),
    path("a/<str:code>/thanks/", public_views.thanks, name="thanks"),
    path("a/<str:code>/qr.<str:kind>", public_views.qr, name="qr"),
    # back office
    path("", views.index, name="index"),
    path("cycles/<int:cycle_id>/", views.campaign_detail, name="campaign"),
    path("cycles/<int:cycle_id>/settings/", views.campaign_settings, name="settings"),
    path("cycles/<int:cycle_id>/publish/", views.publish, name="publish"),
    path("cycles/<int:cycle_id>/review/", views.review_list, name="review"),
    path("cycles/<int:cycle_id>/rescore/", views.rescore, name="rescore"),
    path("cycles/<int:cycle_id>/import/", views.import_answers, name="import"),
    path("cycles/<int:cycle_id>/import/template.xlsx", views.import_template, name="import_template"),
    path("cycles/<int:cycle_id>/answers.xlsx", views.export_xlsx, name="export_xlsx"),
    path("cycles/<int:cycle_id>/answers.csv", views.export_csv, name="export_csv"),
    path("cycles/<int:cycle_id>/counts.xlsx", views.counts_xlsx, name="counts_xlsx"),
    path("organizations/<int:entry_id>/", views.organization, name="organization"),
    path("organizations/<int:entry_id>/target/", views.link_target, name="link_target"),
    path("organizations/<int:entry_id>/poster.pdf", views.poster, name="poster"),
    path("organizations/<int:entry_id>/enter/", views.enter, name="enter"),
    path("organizations/<int:entry_id>/part/<str:gate>/", views.entry_part, name="entry_part"),
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("questionnaires/", views.questionnaire_list, name="questionnaires"),
    path("questionnaires/diff/", views.questionnaire_diff, name="questionnaire_diff"),
    path("questionnaires/<str:code>/", views.questionnaire_detail, name="questionnaire"),
]
