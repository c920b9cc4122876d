from django.urls import path

from fleet import views, views_campaigns

urlpatterns = [
    path("fleet/", views.dashboard, name="fleet_dashboard"),
    path("fleet/terminals/<str:terminal_id>/diagnose/", views.diagnose, name="fleet_diagnose"),
    path("fleet/terminals/<str:terminal_id>/actions/", views.remote_action, name="fleet_action"),
    path("fleet/outages/<int:pk>/confirm/", views.confirm_outage, name="fleet_outage_confirm"),
    path("fleet/outages/<int:pk>/dismiss/", views.dismiss_outage, name="fleet_outage_dismiss"),
    path("fleet/campaigns/", views_campaigns.campaigns, name="fleet_campaigns"),
    path("fleet/campaigns/<int:pk>/", views_campaigns.campaign, name="fleet_campaign"),
    path("fleet/campaigns/<int:pk>/start/", views_campaigns.start, name="fleet_campaign_start"),
    path("fleet/campaigns/<int:pk>/pause/", views_campaigns.pause, name="fleet_campaign_pause"),
    path("fleet/campaigns/<int:pk>/resume/", views_campaigns.resume, name="fleet_campaign_resume"),
]
