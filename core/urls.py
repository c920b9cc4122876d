from django.urls import path

from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("console/", views.console, name="console"),
    path("console/imports/", views.imports, name="imports"),
    path("console/imports/<int:pk>/", views.import_job, name="import_job"),
    path("console/imports/<int:pk>/errors.csv", views.import_job_errors, name="import_job_errors"),
    path("export/<str:kind>.csv", views.export, name="export"),
    path("console/audit/", views.audit_log, name="audit_log"),
]
