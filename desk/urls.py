from django.urls import URLPattern, URLResolver, path

from desk import status, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("console/desk/", views.queue, name="desk_queue"),
    path("console/desk/new/", views.agent_new_ticket, name="desk_new_ticket"),
    path("console/desk/tickets/<str:number>/", views.ticket_detail, name="desk_ticket"),
    path(
        "console/desk/tickets/<str:number>/<str:action>/",
        views.ticket_action,
        name="desk_ticket_action",
    ),
    path("console/desk/outages/", views.outages, name="desk_outages"),
    path("console/desk/outages/<int:pk>/", views.outage_detail, name="desk_outage"),
    path("console/desk/reports/", views.reports, name="desk_reports"),
    path("console/desk/reports.csv", views.reports_csv, name="desk_reports_csv"),
    path("status/", status.status_page, name="status"),
    path("portal/tickets/", views.portal_tickets, name="portal_tickets"),
    path("portal/tickets/new/", views.portal_new_ticket, name="portal_new_ticket"),
    path("portal/tickets/<str:number>/", views.portal_ticket, name="portal_ticket"),
    path("portal/tickets/<str:number>/escalate/", views.portal_escalate, name="portal_escalate"),
    path("desk/attachments/<int:pk>/", views.attachment, name="desk_attachment"),
]
