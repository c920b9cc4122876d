from django.urls import URLPattern, path

from ledger import api

urlpatterns: list[URLPattern] = [
    path("ledger/entries/<int:index>", api.EntryView.as_view(), name="api_ledger_entry"),
    path("ledger/proofs/inclusion", api.InclusionProofView.as_view(), name="api_ledger_inclusion"),
    path(
        "ledger/proofs/consistency",
        api.ConsistencyProofView.as_view(),
        name="api_ledger_consistency",
    ),
    path("ledger/checkpoint", api.CheckpointView.as_view(), name="api_ledger_checkpoint"),
]
