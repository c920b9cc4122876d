from django.urls import path

from statements import views

urlpatterns = [
    path("portal/statements/", views.statements_page, name="statements"),
    path(
        "statements/<str:merchant_id>/<str:period>.<str:fmt>",
        views.statement_download,
        name="statement_download",
    ),
]
