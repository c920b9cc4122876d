from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from payments import api

router = SimpleRouter()
router.register("response-codes", api.ResponseCodeViewSet, basename="response-code")
router.register("transactions", api.TransactionViewSet, basename="transaction")
router.register("investigations", api.InvestigationViewSet, basename="investigation")
router.register("payouts", api.PayoutViewSet, basename="payout")
router.register("disputes", api.DisputeViewSet, basename="dispute")

urlpatterns: list[URLPattern | URLResolver] = [
    # The host systems' batch endpoint, also without the trailing slash.
    path(
        "transactions/batch",
        api.TransactionViewSet.as_view({"post": "batch"}, **api.TransactionViewSet.batch.kwargs),
        name="transaction-batch-noslash",
    ),
    path("settlement-eta/", api.settlement_eta_view, name="settlement-eta"),
    path("duplicate-charges/", api.duplicate_charges, name="duplicate-charges"),
    *router.urls,
]
