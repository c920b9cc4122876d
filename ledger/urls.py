from django.urls import URLPattern, path

from ledger import views

urlpatterns: list[URLPattern] = [
    path("ledger/", views.ledger_home, name="ledger_home"),
    path("ledger/checkpoint", views.ledger_checkpoint, name="ledger_checkpoint"),
    path(
        "ledger/receipts/<str:evidence_kind>/<int:record>/",
        views.ledger_receipt,
        name="ledger_receipt",
    ),
    path("ledger/audit/", views.ledger_audit, name="ledger_audit"),
]
