from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "yangguang.orgs"
    label = "orgs"
    verbose_name = "区划与机构"

    def ready(self) -> None:
        from yangguang.core import nav

        nav.portal("机构名录", "portal:body_directory", order=15)
        nav.console("行政区划", "console:orgs_region_list", "region.view", order=80)
        nav.console("机构与窗口", "console:orgs_body_list", "body.view", order=81)
        nav.console("导入导出", "console:orgs_import", "orgs.import", order=82)
