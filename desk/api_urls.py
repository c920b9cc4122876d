from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from desk.api import TicketViewSet

router = DefaultRouter()
router.register("tickets", TicketViewSet, basename="ticket")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
