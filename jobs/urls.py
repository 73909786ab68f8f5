from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [path("<int:pk>/", views.job_detail, name="detail")]
