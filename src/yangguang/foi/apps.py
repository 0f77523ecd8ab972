from django.apps import AppConfig


class FoiConfig(AppConfig):
    name = "yangguang.foi"
    label = "foi"
    verbose_name = "依申请公开"

    def ready(self) -> None:
        from yangguang.core import calendar, nav
        from yangguang.foi import access, dashboard, rules  # noqa: F401 - registers actions, rules, tiles

        calendar.on_change(_recompute_open_deadlines)
        nav.portal("依申请公开", "portal:foi_apply", 30)
        nav.portal("申请查询", "portal:foi_track", 31)
        nav.console("依申请公开", "console:foi_queue", "foi.list", 30)


def _recompute_open_deadlines() -> None:
    # The reply periods of 条例 Art. 33 are counted in working days: a holiday entered or
    # changed by an administrator moves the due date of every open application.
    from yangguang.foi.services import recompute_open

    recompute_open()
