from django.urls import path

from fleet import views

urlpatterns = [
    path("fleet/", views.dashboard, name="fleet_dashboard"),
]
