from django.urls import path

from directory import views

urlpatterns = [path("hotlines/", views.hotlines, name="hotlines")]
