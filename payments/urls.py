from django.urls import path

from payments import views

urlpatterns = [
    path("portal/transactions/", views.portal_transactions, name="portal_transactions"),
    path("console/transactions/", views.console_transactions, name="console_transactions"),
    path("transactions/<int:pk>/", views.transaction_detail, name="transaction_detail"),
    path(
        "transactions/<int:pk>/investigate/",
        views.investigate_transaction,
        name="investigate_transaction",
    ),
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/investigate/", views.investigate_day, name="investigate_day"),
    path("investigations/<int:pk>/", views.investigation_detail, name="investigation_detail"),
    path("duplicates/<str:merchant_id>/", views.duplicates, name="duplicate_charges"),
    path("duplicates/<str:merchant_id>/open/", views.open_dispute_view, name="open_dispute"),
]
