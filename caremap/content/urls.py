from django.urls import path

from . import views

urlpatterns = [
    path("policies/", views.policy_list, name="policies"),
    path("policies/<uuid:policy_id>/", views.policy_detail, name="policy"),
    path("news/", views.news_list, name="news"),
    path("cases/", views.case_list, name="cases"),
    path("articles/<uuid:article_id>/", views.article_detail, name="article"),
    path("navigator/", views.navigator_page, name="navigator"),
]
