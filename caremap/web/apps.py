from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "caremap.web"
    verbose_name = "公众页面"
