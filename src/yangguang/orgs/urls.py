from django.urls import path

from yangguang.orgs import views, views_auth

portal_urlpatterns = [
    path("", views.home, name="home"),
]
console_urlpatterns = [
    path("", views.console_home, name="home"),
    path("login/", views_auth.LoginView.as_view(), name="login"),
    path("logout/", views_auth.LogoutView.as_view(), name="logout"),
    path("password/", views_auth.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        views_auth.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
