from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("search/", views.search, name="search"),
    path("t/<int:territory_id>/", views.territory, name="territory"),
    path("t/<int:territory_id>/<int:year>/", views.results, name="results"),
    path("t/<int:territory_id>/<int:year>/list/", views.organization_list, name="list"),
    path("t/<int:territory_id>/council/", views.council, name="council"),
    path("org/<int:org_id>/", views.organization, name="organization"),
    path("org/<int:org_id>/card.pdf", views.organization_pdf, name="organization_pdf"),
    path("opendata/", views.open_data, name="open_data"),
    path("opendata/<int:cycle_id>/data.csv", views.open_data_csv, name="open_data_csv"),
    path("opendata/<int:cycle_id>/data.json", views.open_data_json, name="open_data_json"),
    path("opendata/<int:cycle_id>/passport.json", views.open_data_passport, name="open_data_passport"),
]
