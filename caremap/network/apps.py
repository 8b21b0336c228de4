from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "caremap.network"
    verbose_name = "四级网络"
