from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "yangguang.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from yangguang.core import nav
        from yangguang.core.models import OutboxMessage
        from yangguang.search import access, checks, registry  # noqa: F401  (register actions, checks)
        from yangguang.search.indexing import on_outbox_saved

        post_save.connect(on_outbox_saved, sender=OutboxMessage, dispatch_uid="search-outbox")
        from yangguang.orgs.signals import names_changed

        names_changed.connect(registry.enqueue_bodies, dispatch_uid="search-renamed-bodies")
        try:
            from yangguang.disclosure import selectors  # noqa: F401
        except ImportError:  # disclosure app not there yet
            pass
        else:
            from yangguang.search.sources import PublicationSource

            registry.register(PublicationSource())
        nav.portal("全文检索", "portal:search", 15)
        nav.console("检索词典", "console:search_dictionary", "search.dictionary", 90)
