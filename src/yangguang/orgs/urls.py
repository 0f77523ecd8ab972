from django.contrib.auth import views as auth_views
from django.urls import path

from yangguang.orgs import views

portal_urlpatterns = [
    path("", views.home, name="home"),
]
console_urlpatterns = [
    path("", views.console_home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
