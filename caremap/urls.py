from django.contrib import admin
from django.urls import include, path

from caremap.api.v1 import api
from caremap.web import views

urlpatterns = [
    path("", views.map_page, name="map"),
    path("points/<uuid:point_id>/", views.point_page, name="point"),
    path("policies/", views.policies_page, name="policies"),
    path("help/", views.help_page, name="help"),
    path("outlines.geojson", views.outlines, name="outlines"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("caremap.backoffice.urls")),
]
