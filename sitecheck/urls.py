from django.urls import path

from sitecheck import views

app_name = "sitecheck"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("organizations/<int:pk>/", views.organization, name="organization"),
    path("organizations/<int:pk>/check/", views.start_check, name="start_check"),
    path("checks/<int:pk>/", views.check_detail, name="check"),
    path("checks/<int:pk>/rerun/", views.rerun_check, name="rerun"),
    path("pages/<int:pk>/snapshot/", views.page_snapshot, name="snapshot"),
    path("cycles/<int:cycle_pk>/run/", views.start_run, name="start_run"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/pause/", views.pause_run, name="pause"),
    path("runs/<int:pk>/resume/", views.resume_run, name="resume"),
]
