from django.urls import URLPattern, URLResolver, path

from assistant import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("assistant/messages", api.PostMessage.as_view(), name="api_assistant_messages"),
]
