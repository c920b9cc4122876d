from django.urls import URLPattern, URLResolver, path

from channels import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("console/calls/", views.console, name="calls_console"),
    path("console/calls/pop/", views.pop, name="calls_pop"),
    path("console/calls/wall/", views.wall_page, name="calls_wall"),
    path("console/calls/wall/live/", views.wall_live, name="calls_wall_live"),
    path("console/calls/<int:pk>/ticket/", views.attach, name="calls_attach"),
    path("console/calls/dial/<str:merchant_id>/", views.dial_merchant, name="calls_dial"),
]
