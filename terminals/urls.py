from django.urls import path

from terminals import views

urlpatterns = [
    path("terminals/<str:terminal_id>/", views.terminal_detail, name="terminal_detail"),
]
