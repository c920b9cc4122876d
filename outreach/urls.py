from django.urls import URLPattern, URLResolver, path

from outreach import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("verify/", views.verify_contact, name="verify_contact"),
    path("scam-reports/new/", views.scam_report_new, name="scam_report_new"),
    path("portal/contacts/", views.contact_history, name="contact_history"),
    path(
        "portal/contacts/<str:merchant_id>/preferences/",
        views.contact_preferences,
        name="contact_preferences",
    ),
    path("portal/contacts/<str:merchant_id>/fewer/", views.fewer_contacts, name="fewer_contacts"),
    path("console/outreach/", views.requests_list, name="outreach_requests"),
    path("console/outreach/requests/<int:pk>/", views.request_detail, name="outreach_request"),
    path("console/outreach/calls/", views.call_tasks, name="call_tasks"),
    path("console/outreach/calls/<int:pk>/", views.call_task, name="call_task"),
    path("console/outreach/frequency/", views.frequency, name="outreach_frequency"),
    path(
        "console/outreach/complaints/<int:pk>/resolve/",
        views.complaint_resolve,
        name="complaint_resolve",
    ),
    path("console/outreach/campaigns/", views.campaigns, name="campaigns"),
    path("console/outreach/campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("console/outreach/scam-reports/", views.scam_reports, name="scam_reports"),
]
