from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "yangguang.orgs"
    label = "orgs"
    verbose_name = "区划与机构"
