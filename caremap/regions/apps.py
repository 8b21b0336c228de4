from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "caremap.regions"
    verbose_name = "行政区划"
