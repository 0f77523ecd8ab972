from django.urls import path

from yangguang.core import views, views_audit

portal_urlpatterns = [
    path("tools/deadline/", views.deadline_calculator, name="deadline_calculator"),
]
console_urlpatterns = [
    path("calendar/", views.calendar_admin, name="calendar"),
    path("audit/", views_audit.audit_list, name="audit"),
    path("audit/export/", views_audit.audit_export, name="audit_export"),
    path("audit/<int:pk>/", views_audit.audit_detail, name="audit_detail"),
]
