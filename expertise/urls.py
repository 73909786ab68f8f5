from django.urls import path

from expertise import views

app_name = "expertise"

urlpatterns = [
    path("", views.index, name="index"),
    path("cycle/<int:pk>/", views.cycle_detail, name="cycle"),
    path("cycle/<int:pk>/reply-window/", views.reply_window, name="reply_window"),
    path("cycle/<int:pk>/branch-rule/", views.branch_rule, name="branch_rule"),
    path("cycle/<int:pk>/refer/", views.refer_unresolved, name="refer_unresolved"),
    path("cycle/<int:pk>/disputes/", views.dispute_list, name="disputes"),
    path("cycle/<int:pk>/import/", views.import_results, name="import"),
    path("cycle/<int:pk>/import/template.xlsx", views.import_template, name="import_template"),
    path("org/<int:pk>/", views.organization, name="organization"),
    path("org/<int:pk>/start/", views.start, name="start"),
    path("result/<int:pk>/", views.result_detail, name="result"),
    path("result/<int:pk>/fill/", views.fill, name="fill"),
    path("result/<int:pk>/mark/<int:item>/", views.save_mark, name="save_mark"),
    path("result/<int:pk>/evidence/", views.upload_evidence, name="upload_evidence"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/thumb.jpg", views.evidence_thumbnail, name="evidence_thumbnail"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("mark/<int:mark_pk>/dispute/", views.dispute_create, name="dispute_create"),
    path("dispute/<int:pk>/", views.dispute_detail, name="dispute"),
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/upload/", views.checklist_upload, name="checklist_upload"),
    path("checklists/<str:code>/", views.checklist_detail, name="checklist"),
]
