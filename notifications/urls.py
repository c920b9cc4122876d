from django.urls import path

from notifications import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.mark_read, name="notification_read"),
    path("inbox/preferences/", views.preferences, name="notification_preferences"),
]
