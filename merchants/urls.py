from django.urls import path

from merchants import team_views, views

urlpatterns = [
    path("portal/", views.portal, name="portal"),
    path("portal/merchants/<str:merchant_id>/", views.portal_merchant, name="portal_merchant"),
    path("console/merchants/<str:merchant_id>/", views.merchant_360, name="merchant_360"),
    path("portal/team/", team_views.team_page, name="portal_team"),
    path("portal/team/invite/", team_views.team_invite, name="portal_team_invite"),
    path("portal/team/members/<int:pk>/", team_views.team_member, name="portal_team_member"),
    path(
        "portal/team/invites/<int:pk>/revoke/",
        team_views.team_invite_revoke,
        name="portal_team_invite_revoke",
    ),
    path("portal/team/activity/", team_views.team_activity, name="portal_team_activity"),
    path("team/join/<str:token>/", team_views.team_join, name="team_join"),
]
