from django.urls import path

from . import stats_views, views

urlpatterns = [
    path("regions/<str:code>/", views.region_page, name="region"),
    path("regions/<str:code>/directory/", views.directory_page, name="region-directory"),
    path("regions/<str:code>/directory.pdf", views.directory_pdf, name="region-directory-pdf"),
    path("stats/", stats_views.stats_page, name="stats"),
    path("stats/dashboard/", stats_views.dashboard_page, name="stats-dashboard"),
    path("stats/<slug:name>.csv", stats_views.dataset_csv, name="stats-csv"),
]
