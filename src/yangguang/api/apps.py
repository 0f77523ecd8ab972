from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "yangguang.api"
    label = "api"
    verbose_name = "接口"
