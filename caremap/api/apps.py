from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "caremap.api"
    verbose_name = "API"
