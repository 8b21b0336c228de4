from django.urls import path

from . import views

urlpatterns = [
    path("projects/", views.project_list, name="projects"),
    path("projects/<uuid:project_id>/", views.project_detail, name="project"),
]
