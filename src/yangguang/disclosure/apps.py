from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "yangguang.disclosure"
    label = "disclosure"
    verbose_name = "主动公开"

    def ready(self) -> None:
        from yangguang.core import nav
        from yangguang.disclosure import access, dashboard, services  # noqa: F401  (register actions, rules, tiles)

        nav.portal("政府信息公开", "portal:disclosure_platform", 20)
        nav.console("信息发布", "console:disclosure_drafts", "publication.list", 20)
        nav.console("审核队列", "console:disclosure_queue", "publication.review", 21)
        nav.console("发布及时性", "console:disclosure_timeliness", "publication.stats", 22)
        nav.console("公开目录与指南", "console:disclosure_catalogue", "catalogue.change", 23)
        nav.console("财政与村务公开", "console:disclosure_fiscal", "fiscal.change", 24)
