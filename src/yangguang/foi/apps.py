from django.apps import AppConfig


class FoiConfig(AppConfig):
    name = "yangguang.foi"
    label = "foi"
    verbose_name = "依申请公开"

    def ready(self) -> None:
        from yangguang.core import nav
        from yangguang.foi import access, rules  # noqa: F401 - registers actions and rules

        nav.portal("依申请公开", "portal:foi_apply", 30)
        nav.portal("申请查询", "portal:foi_track", 31)
        nav.console("依申请公开", "console:foi_queue", "foi.list", 30)
