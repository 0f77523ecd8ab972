from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "yangguang.reports"
    label = "reports"
