from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "caremap.content"
    verbose_name = "政策与帮助"
