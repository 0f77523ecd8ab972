from django.urls import path

from yangguang.foi import views

portal_urlpatterns = [
    path("foi/apply/", views.apply, name="foi_apply"),
    path("foi/apply/guide-hint/", views.guide_hint, name="foi_guide_hint"),
    path("foi/receipt/<str:key>/", views.receipt, name="foi_receipt"),
    path("foi/track/", views.track, name="foi_track"),
    path("foi/track/<str:number>/", views.track_detail, name="foi_track_detail"),
    path("foi/track/<str:number>/reply/", views.track_reply, name="foi_track_reply"),
    path("foi/track/<str:number>/withdraw/", views.track_withdraw, name="foi_track_withdraw"),
    path(
        "foi/track/<str:number>/reply.docx",
        views.track_reply,
        {"fmt": "docx"},
        name="foi_track_reply_docx",
    ),
    path("foi/track/<str:number>/files/<int:file_id>/", views.track_file, name="foi_track_file"),
]
console_urlpatterns = [
    path("foi/", views.queue, name="foi_queue"),
    path("foi/calendar/", views.due_calendar, name="foi_calendar"),
    path("foi/export.xlsx", views.export, name="foi_export"),
    path("foi/register/", views.register_view, name="foi_register"),
    path("foi/import/", views.import_view, name="foi_import"),
    path("foi/reviews/", views.review_list, name="foi_reviews"),
    path("foi/<int:pk>/", views.detail, name="foi_detail"),
    path("foi/<int:pk>/do/<str:name>/", views.action, name="foi_action"),
    path("foi/<int:pk>/reply/", views.staff_reply, name="foi_reply"),
    path("foi/<int:pk>/reply.docx", views.staff_reply, {"fmt": "docx"}, name="foi_reply_docx"),
    path("foi/<int:pk>/files/<int:file_id>/", views.staff_file, name="foi_file"),
]
