from django.urls import URLPattern, URLResolver, include, path

from core.api import Router
from desk.api import TicketViewSet

router = Router()
router.register("tickets", TicketViewSet, basename="ticket")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
