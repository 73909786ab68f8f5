from django.urls import path

from council import views

app_name = "council"

urlpatterns = [
    path("", views.council_list, name="list"),
    path("<int:pk>/", views.council_detail, name="detail"),
    path("<int:pk>/members/new/", views.member_edit, name="member_new"),
    path("<int:pk>/members/<int:member_pk>/", views.member_edit, name="member_edit"),
    path("<int:pk>/meetings/new/", views.meeting_edit, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/attendance/", views.attendance_record, name="attendance"),
    path("meetings/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/protocol.docx", views.protocol, name="protocol"),
]
