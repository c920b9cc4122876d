from django.urls import path

from helpcentre import views

urlpatterns = [
    path("help/", views.home, name="help_home"),
    path("help/<slug:slug>/", views.article, name="help_article"),
]
