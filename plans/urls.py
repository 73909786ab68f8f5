from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("control/", views.control, name="control"),
    path("control/xlsx/", views.control_xlsx, name="control_xlsx"),
    path("cycle/<int:cycle_pk>/seed/", views.cycle_seed, name="seed"),
    path("cycle/<int:cycle_pk>/schedule/", views.cycle_schedule, name="schedule"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/docx/", views.plan_docx, name="docx"),
    path("<int:pk>/xlsx/", views.plan_xlsx, name="xlsx"),
    path("<int:pk>/submit/", views.plan_submit, name="submit"),
    path("<int:pk>/return/", views.plan_return, name="return"),
    path("<int:pk>/approve/", views.plan_approve, name="approve"),
    path("<int:pk>/reopen/", views.plan_reopen, name="reopen"),
    path("<int:pk>/exception/", views.plan_exception, name="exception"),
    path("<int:pk>/exception/cancel/", views.plan_exception_cancel, name="exception_cancel"),
    path("<int:pk>/publish/", views.plan_publish, name="publish"),
    path("<int:pk>/report/", views.plan_report, name="report"),
    path("<int:pk>/items/add/", views.item_add, name="item_add"),
    path("<int:pk>/items/<int:item_pk>/", views.item_row, name="item"),
    path("<int:pk>/items/<int:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:item_pk>/delete/", views.item_delete, name="item_delete"),
    path("<int:pk>/items/<int:item_pk>/progress/", views.item_progress, name="item_progress"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/evidence/<int:evidence_pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
