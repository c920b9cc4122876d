from django.urls import path

from merchants import views

urlpatterns = [
    path("portal/", views.portal, name="portal"),
    path("portal/merchants/<str:merchant_id>/", views.portal_merchant, name="portal_merchant"),
    path("console/merchants/<str:merchant_id>/", views.merchant_360, name="merchant_360"),
]
