from django.urls import URLPattern, URLResolver, path

from channels import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("calls/events", api.call_events, name="api_call_events"),
    path("ivr/step", api.ivr_step, name="api_ivr_step"),
    path("sms/inbound/<str:provider>", api.sms_inbound, name="api_sms_inbound"),
    path("wechat/<str:key>", api.wechat_callback, name="api_wechat"),
]
