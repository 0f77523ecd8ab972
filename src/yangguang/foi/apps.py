from django.apps import AppConfig


class FoiConfig(AppConfig):
    name = "yangguang.foi"
    label = "foi"
