from django.urls import URLPattern, URLResolver, path

from fleet import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("telemetry/", api.telemetry, name="api_telemetry"),
    path("telemetry/tms/<slug:adapter>/", api.tms_push, name="api_tms_push"),
    path("terminals/<str:terminal_id>/diagnose/", api.diagnose, name="api_fleet_diagnose"),
    path("terminals/<str:terminal_id>/actions/", api.remote_action, name="api_fleet_action"),
]
