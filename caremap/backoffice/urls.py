from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "backoffice"

urlpatterns = [
    path("backoffice/login/", views.LoginView.as_view(), name="login"),
    path("backoffice/logout/", auth_views.LogoutView.as_view(next_page="/backoffice/login/"),
         name="logout"),
    path("backoffice/", views.home, name="home"),
    path("backoffice/records/", views.record_list, name="records"),
    path("backoffice/records/<uuid:point_id>/", views.record_detail, name="record"),
    path("backoffice/records/<uuid:point_id>/edit/", views.record_edit, name="record_edit"),
    path("backoffice/records/<uuid:point_id>/versions/<int:number>/rollback/",
         views.record_rollback, name="record_rollback"),
    path("backoffice/changes/", views.changeset_list, name="changesets"),
    path("backoffice/changes/<uuid:changeset_id>/", views.changeset_detail, name="changeset"),
    path("backoffice/changes/<uuid:changeset_id>/submit/", views.changeset_submit,
         name="changeset_submit"),
    path("backoffice/changes/<uuid:changeset_id>/publish/", views.changeset_publish,
         name="changeset_publish"),
    path("backoffice/changes/<uuid:changeset_id>/return/", views.changeset_return,
         name="changeset_return"),
    path("backoffice/audit/", views.audit_log, name="audit"),
    path("backoffice/corrections/", views.correction_list, name="corrections"),
    path("backoffice/corrections/<uuid:correction_id>/", views.correction_detail,
         name="correction"),
    path("backoffice/corrections/<uuid:correction_id>/accept/", views.correction_accept,
         name="correction_accept"),
    path("backoffice/corrections/<uuid:correction_id>/dismiss/", views.correction_dismiss,
         name="correction_dismiss"),
    path("points/<uuid:point_id>/correction/", views.correction_report, name="correction_report"),
]
