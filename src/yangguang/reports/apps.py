from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "yangguang.reports"
    label = "reports"
    verbose_name = "年度报告"

    def ready(self) -> None:
        from yangguang.core import nav
        from yangguang.reports import access, rules  # noqa: F401  (registers actions, rules)
        from yangguang.reports.signals import connect

        connect()

        nav.console("年度报告", "console:reports_list", "annual_report.view", order=60)
        nav.portal("年度报告", "portal:reports_public_list", order=60)
