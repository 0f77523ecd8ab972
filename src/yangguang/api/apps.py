from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "yangguang.api"
    label = "api"
    verbose_name = "接口"

    def ready(self) -> None:
        from yangguang.api import collect_routers

        collect_routers()
