from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("runs/<uuid:run_id>/", views.run_detail, name="run"),
    path("runs/<uuid:run_id>/report.xlsx", views.run_report, name="report"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("duplicates/<uuid:candidate_id>/", views.duplicate_resolve, name="resolve"),
    path("stale/", views.stale, name="stale"),
]
