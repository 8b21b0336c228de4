from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "caremap.projects"
    verbose_name = "社会工作项目"
