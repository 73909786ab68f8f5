from django.urls import path

from cycles import views

app_name = "cycles"

urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("new/", views.cycle_create, name="create"),
    path("<int:pk>/", views.cycle_detail, name="detail"),
    path("<int:pk>/planner/", views.cycle_planner, name="planner"),
    path("<int:pk>/history/", views.history_import, name="history_import"),
    path("<int:pk>/list/change/", views.list_change, name="list_change"),
    path("<int:pk>/phases/", views.cycle_phases, name="phases"),
    path("<int:pk>/advance/", views.cycle_advance, name="advance"),
    path("<int:pk>/operator/", views.operator_edit, name="operator"),
    path("<int:pk>/operator/milestones/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/operator/milestones/<int:milestone_pk>/done/", views.milestone_done, name="milestone_done"),
    path("<int:pk>/operator/accept/", views.operator_accept, name="operator_accept"),
    path("indicators/", views.indicator_table, name="indicators"),
    path("indicators/export.xlsx", views.indicator_export, name="indicators_export"),
    path("activity/", views.activity_list, name="activity_list"),
    path("activity/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activity/<int:pk>/items/new/", views.activity_item_edit, name="activity_item_new"),
    path("activity/<int:pk>/items/<int:item_pk>/", views.activity_item_edit, name="activity_item_edit"),
]
