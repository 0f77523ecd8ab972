from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "yangguang.disclosure"
    label = "disclosure"
