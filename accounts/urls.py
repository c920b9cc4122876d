from django.urls import include, path

from accounts import views

urlpatterns = [
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("", include("django.contrib.auth.urls")),
]
