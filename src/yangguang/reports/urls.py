from django.urls import path

from yangguang.reports import views

portal_urlpatterns = [
    path("reports/annual/", views.public_list, name="reports_public_list"),
    path("reports/annual/<int:pk>/", views.public_detail, name="reports_public_detail"),
    path(
        "reports/annual/<int:pk>/download/<str:fmt>/",
        views.public_download,
        name="reports_public_download",
    ),
]
console_urlpatterns = [
    path("reports/", views.report_list, name="reports_list"),
    path("reports/overview/", views.region_overview_view, name="reports_overview"),
    path(
        "reports/overview/download/xlsx/",
        views.region_overview_xlsx,
        name="reports_overview_xlsx",
    ),
    path("reports/table2-import/", views.table2_import_view, name="reports_table2_import"),
    path("reports/history/", views.history_view, name="reports_history"),
    path("reports/<int:pk>/", views.report_detail, name="reports_detail"),
    path("reports/<int:pk>/text/", views.report_text, name="reports_text"),
    path("reports/<int:pk>/table2/", views.report_table2, name="reports_table2"),
    path("reports/<int:pk>/finalise/", views.report_finalise, name="reports_finalise"),
    path("reports/<int:pk>/reopen/", views.report_reopen, name="reports_reopen"),
    path("reports/<int:pk>/publish/", views.report_publish, name="reports_publish"),
    path("reports/<int:pk>/download/<str:fmt>/", views.report_download, name="reports_download"),
]
