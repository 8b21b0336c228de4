from django.contrib import admin
from django.urls import include, path

from caremap.api.v1 import api
from caremap.web import views

urlpatterns = [
    path("", views.map_page, name="map"),
    path("points/<uuid:point_id>/", views.point_page, name="point"),
    path("points/<uuid:point_id>/qr.svg", views.point_qr, name="point-qr"),
    path("saved/", views.saved_page, name="saved"),
    path("offline/", views.offline_page, name="offline"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("", include("caremap.content.urls")),
    path("", include("caremap.network.urls")),
    path("", include("caremap.projects.urls")),
    path("help/", views.help_page, name="help"),
    path("outlines.geojson", views.outlines, name="outlines"),
    path("api/", api.urls),
    path("backoffice/imports/", include("caremap.imports.urls")),
    path("admin/", admin.site.urls),
    path("", include("caremap.backoffice.urls")),
]

# JSON errors under /api/, pages elsewhere (used when DEBUG is off).
handler404 = "caremap.web.views.page_not_found"
