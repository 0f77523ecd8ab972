from django.urls import path

from yangguang.core import views

portal_urlpatterns = [
    path("tools/deadline/", views.deadline_calculator, name="deadline_calculator"),
]
console_urlpatterns = [
    path("calendar/", views.calendar_admin, name="calendar"),
]
