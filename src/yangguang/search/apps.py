from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "yangguang.search"
    label = "search"
