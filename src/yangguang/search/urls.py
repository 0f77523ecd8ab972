from django.urls import path

from yangguang.search import views

portal_urlpatterns = [
    path("search/", views.search, name="search"),
]
console_urlpatterns = [
    path("search/dictionary/", views.dictionary, name="search_dictionary"),
]
