from django.urls import path

from yangguang.disclosure import feeds, views_console, views_portal

portal_urlpatterns = [
    path("disclosure/", views_portal.platform, name="disclosure_platform"),
    path("disclosure/list/", views_portal.publication_list, name="disclosure_list"),
    path("disclosure/body/<str:credit_code>/", views_portal.body_page, name="disclosure_body"),
    path("disclosure/body/<str:credit_code>/guide/", views_portal.guide, name="disclosure_guide"),
    path(
        "disclosure/body/<str:credit_code>/village-finance/",
        views_portal.village_finance,
        name="disclosure_village",
    ),
    path("disclosure/body/<str:credit_code>/rss/", feeds.BodyRss(), name="disclosure_body_rss"),
    path("disclosure/body/<str:credit_code>/atom/", feeds.BodyAtom(), name="disclosure_body_atom"),
    path("disclosure/category/<int:pk>/rss/", feeds.CategoryRss(), name="disclosure_category_rss"),
    path(
        "disclosure/category/<int:pk>/atom/", feeds.CategoryAtom(), name="disclosure_category_atom"
    ),
    path("disclosure/file/<int:pk>/", views_portal.attachment, name="disclosure_file"),
    path("disclosure/fiscal/<int:pk>/", views_portal.fiscal_detail, name="disclosure_fiscal"),
    path(
        "disclosure/fiscal/<int:pk>.<str:fmt>",
        views_portal.fiscal_download,
        name="disclosure_fiscal_download",
    ),
    path("disclosure/print/<path:index_number>", views_portal.print_view, name="disclosure_print"),
    path("disclosure/doc/<path:index_number>", views_portal.detail, name="disclosure_detail"),
]

console_urlpatterns = [
    path("disclosure/", views_console.drafts, name="disclosure_drafts"),
    path("disclosure/queue/", views_console.queue, name="disclosure_queue"),
    path("disclosure/new/", views_console.create, name="disclosure_create"),
    path("disclosure/timeliness/", views_console.timeliness, name="disclosure_timeliness"),
    path("disclosure/import/", views_console.import_, name="disclosure_import"),
    path("disclosure/export/", views_console.export, name="disclosure_export"),
    path("disclosure/fiscal/", views_console.fiscal_upload, name="disclosure_fiscal"),
    path("disclosure/catalogue/", views_console.catalogue, name="disclosure_catalogue"),
    path("disclosure/<int:pk>/", views_console.detail, name="disclosure_detail"),
    path("disclosure/<int:pk>/edit/", views_console.edit, name="disclosure_edit"),
    path("disclosure/<int:pk>/submit/", views_console.submit, name="disclosure_submit"),
    path("disclosure/<int:pk>/approve/", views_console.approve, name="disclosure_approve"),
    path("disclosure/<int:pk>/return/", views_console.return_, name="disclosure_return"),
    path("disclosure/<int:pk>/publish/", views_console.publish, name="disclosure_publish"),
    path("disclosure/<int:pk>/withdraw/", views_console.withdraw, name="disclosure_withdraw"),
    path("disclosure/<int:pk>/validity/", views_console.validity, name="disclosure_validity"),
    path(
        "disclosure/<int:pk>/finding/<int:finding_id>/",
        views_console.finding,
        name="disclosure_finding",
    ),
]
