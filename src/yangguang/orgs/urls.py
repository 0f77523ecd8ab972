from django.urls import path

from yangguang.orgs import views, views_auth, views_tokens

portal_urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("bodies/", views.body_directory, name="body_directory"),
    path("bodies/<str:credit_code>/", views.body_detail, name="body_detail"),
]
console_urlpatterns = [
    path("", views.console_home, name="home"),
    path("orgs/regions/", views.region_list, name="orgs_region_list"),
    path("orgs/regions/new/", views.region_create, name="orgs_region_create"),
    path("orgs/regions/<str:code>/edit/", views.region_edit, name="orgs_region_edit"),
    path("orgs/bodies/", views.body_list, name="orgs_body_list"),
    path("orgs/bodies/new/", views.body_create, name="orgs_body_create"),
    path("orgs/bodies/<int:pk>/", views.body_view, name="orgs_body_view"),
    path("orgs/bodies/<int:pk>/edit/", views.body_edit, name="orgs_body_edit"),
    path("orgs/bodies/<int:pk>/deactivate/", views.body_deactivate, name="orgs_body_deactivate"),
    path("orgs/bodies/<int:pk>/activate/", views.body_activate, name="orgs_body_activate"),
    path("orgs/bodies/<int:pk>/windows/new/", views.window_create, name="orgs_window_create"),
    path("orgs/windows/<int:pk>/edit/", views.window_edit, name="orgs_window_edit"),
    path("orgs/import/", views.tree_import, name="orgs_import"),
    path("orgs/export/", views.tree_export, name="orgs_export"),
    path("login/", views_auth.LoginView.as_view(), name="login"),
    path("logout/", views_auth.LogoutView.as_view(), name="logout"),
    path("password/", views_auth.PasswordChangeView.as_view(), name="password_change"),
    path("tokens/", views_tokens.api_tokens, name="api_tokens"),
    path(
        "password/done/",
        views_auth.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
