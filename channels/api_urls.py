from django.urls import URLPattern, URLResolver, path

from channels import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("calls/events", api.call_events, name="api_call_events"),
]
