from django.urls import path

from fleet import views

urlpatterns = [
    path("fleet/", views.dashboard, name="fleet_dashboard"),
    path("fleet/terminals/<str:terminal_id>/diagnose/", views.diagnose, name="fleet_diagnose"),
    path("fleet/terminals/<str:terminal_id>/actions/", views.remote_action, name="fleet_action"),
    path("fleet/outages/<int:pk>/confirm/", views.confirm_outage, name="fleet_outage_confirm"),
    path("fleet/outages/<int:pk>/dismiss/", views.dismiss_outage, name="fleet_outage_dismiss"),
]
