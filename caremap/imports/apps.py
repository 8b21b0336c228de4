from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "caremap.imports"
    verbose_name = "数据导入与导出"
