from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("aggregates/", views.aggregates, name="aggregates"),
    path("cycles/<int:pk>/", views.cycle_results, name="cycle"),
    path("cycles/<int:pk>/compute/", views.compute, name="compute"),
    path("cycles/<int:pk>/finalize/", views.finalize, name="finalize"),
    path("cycles/<int:pk>/import/", views.import_inputs, name="import"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("cycles/<int:pk>/template/<str:kind>.xlsx", views.input_template, name="template"),
    path("cycles/<int:pk>/export.xlsx", views.export_results, name="export"),
    path("cycles/<int:pk>/ratings/", views.ratings, name="ratings"),
    path("entries/<int:pk>/", views.entry_card, name="card"),
    path("entries/<int:pk>/input/", views.set_input, name="set_input"),
    path("methodologies/<str:code>/", views.methodology_detail, name="methodology"),
]
