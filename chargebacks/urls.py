from django.urls import path

from chargebacks import views

urlpatterns = [
    path("portal/cases/", views.portal_cases, name="portal_cases"),
    path("portal/cases/report-fraud/", views.report_fraud, name="report_fraud"),
    path("portal/cases/<str:case_no>/", views.portal_case, name="portal_case"),
    path("cases/<str:case_no>/evidence/<int:pk>/", views.case_evidence, name="case_evidence"),
    path("console/cases/", views.console_cases, name="console_cases"),
    path("console/cases/new/", views.console_case_new, name="console_case_new"),
    path("console/cases/<str:case_no>/", views.console_case, name="console_case"),
    path(
        "console/cases/<str:case_no>/decide/", views.console_case_decide, name="console_case_decide"
    ),
    path(
        "console/cases/<str:case_no>/evidence/",
        views.console_case_evidence,
        name="console_case_evidence",
    ),
]
