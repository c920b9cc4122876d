import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ImportJob

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_supervisor_uploads_a_file_and_sees_progress_and_errors(client, supervisor, merchant_a):
    content = (
        "终端号,序列号,商户编号,型号,通信方式\n"
        f"10000001,SN1,{merchant_a.merchant_id},PAX A920,4G\n"
        f"AB12,SN2,{merchant_a.merchant_id},PAX A920,4G\n"
    ).encode("gbk")
    client.force_login(supervisor)
    response = client.post(
        reverse("imports"),
        {"kind": "terminals", "file": SimpleUploadedFile("终端.csv", content, "text/csv")},
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("import_job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.created_count, job.error_rows) == ("done", 1, 1)
    html = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "终端号“AB12”应为 8 位数字或大写字母" in html
    partial = client.get(reverse("import_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"import-progress" in partial.content
    errors = client.get(reverse("import_job_errors", args=[job.pk])).content.decode("utf-8-sig")
    assert "row,column,value,reason_zh,reason_en" in errors and "AB12" in errors


def test_wrong_file_type_is_refused_in_the_form(client, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("imports"),
        {"kind": "terminals", "file": SimpleUploadedFile("fleet.pdf", b"%PDF", "application/pdf")},
    )
    assert response.status_code == 200 and ImportJob.objects.count() == 0
    assert "pdf" in response.content.decode()


def test_import_jobs_are_for_supervisors_only(client, alice, agent, supervisor):
    job = ImportJob.objects.create(kind="terminals", original_name="x.csv", created_by=supervisor)
    for user in (alice, agent):
        client.force_login(user)
        assert client.get(reverse("import_job", args=[job.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("import_job", args=[job.pk])).status_code == 302
