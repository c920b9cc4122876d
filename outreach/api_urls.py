from django.urls import URLPattern, URLResolver, include, path

from core.api import Router
from outreach.api import (
    ContactLogViewSet,
    ContactRequestViewSet,
    ScamReportViewSet,
    VerifyContactView,
)

router = Router(trailing_slash=True)
router.include_root_view = False
router.register("contact-requests", ContactRequestViewSet, basename="contact-request")
router.register("contact-log", ContactLogViewSet, basename="contact-log")
router.register("scam-reports", ScamReportViewSet, basename="scam-report")

urlpatterns: list[URLPattern | URLResolver] = [
    path("verify-contact", VerifyContactView.as_view(), name="api_verify_contact"),
    path("verify-contact/", VerifyContactView.as_view()),
    path("", include(router.urls)),
]
