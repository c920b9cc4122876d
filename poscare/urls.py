from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import obtain_auth_token
from accounts.permissions import IsAgent, agent_required
from core.api import Router
from merchants.api import MerchantViewSet
from terminals.api import TerminalViewSet

router = Router()
router.register("merchants", MerchantViewSet, basename="merchant")
router.register("terminals", TerminalViewSet, basename="terminal")

api_patterns: list[URLPattern | URLResolver] = [
    # The API's description is for the acquirer's own people: signed-in staff (a session or a
    # staff token); the docs page sends anyone else to the login page or the 403 page.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAgent]), name="schema"),
    path(
        "docs/",
        agent_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="schema",
                permission_classes=[IsAgent],
                template_name="core/swagger_ui.html",
            )
        ),
        name="api_docs",
    ),
    path("auth/token/", obtain_auth_token, name="api_token"),
    # Each domain app adds its endpoints in its own api_urls.py.
    path("", include("desk.api_urls")),
    path("", include("payments.api_urls")),
    path("", include("assistant.api_urls")),
    path("", include("outreach.api_urls")),
    path("", include("fleet.api_urls")),
    path("", include("channels.api_urls")),
    path("", include("ledger.api_urls")),
    path("", include(router.urls)),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("api/", include(api_patterns)),
    path("", include("core.urls")),
    path("", include("directory.urls")),
    path("", include("merchants.urls")),
    path("", include("terminals.urls")),
    path("", include("desk.urls")),
    path("", include("payments.urls")),
    path("", include("assistant.urls")),
    path("", include("outreach.urls")),
    path("", include("notifications.urls")),
    path("", include("fleet.urls")),
    path("", include("channels.urls")),
    path("", include("ledger.urls")),
    path("", include("helpcentre.urls")),
    path("", include("chargebacks.urls")),
    path("", include("statements.urls")),
]
# Uploaded files (receipt photos, import spreadsheets) are never served from MEDIA_URL, not even
# in the demo: they go out through views that scope them (desk_attachment, import_job_errors).

# Error pages in the visitor's language (core/error_views.py); the demo runs with DEBUG off so
# that it shows them too (core/management/commands/run_demo.py).
handler400 = "core.error_views.bad_request"
handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
