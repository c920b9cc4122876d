"""Uploaded files (issue 10): no public /media/ route, random names, scoped downloads (also
through nginx's X-Accel-Redirect), content checked, import files gone after the import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ImportJob
from desk import services
from desk.tests.conftest import jpeg

pytestmark = pytest.mark.django_db


def test_uploads_have_random_names_and_no_public_route(client, ticket_a, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = services.attach_file(ticket_a, jpeg("卡号收据.jpg"), by=alice)
    stored = attachment.file.name
    assert stored.startswith("desk/") and "收据" not in stored and ticket_a.number not in stored
    assert len(stored.rsplit("/", 1)[1]) == len("0" * 32 + ".jpg")
    client.force_login(alice)
    assert client.get("/media/" + stored).status_code == 404
    download = client.get(reverse("desk_attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"


def test_behind_nginx_the_view_scopes_and_nginx_sends(
    client, ticket_a, alice, bob, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_SERVING = "x-accel-redirect"
    attachment = services.attach_file(ticket_a, jpeg(), by=alice)
    url = reverse("desk_attachment", args=[attachment.pk])
    client.force_login(alice)
    response = client.get(url)
    assert response["X-Accel-Redirect"] == "/protected-media/" + attachment.file.name
    assert response.content == b""
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_a_renamed_program_is_not_a_receipt(ticket_a, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("receipt.jpg", b"MZ\x90\x00" + b"\0" * 100, content_type="image/jpeg")
    with pytest.raises(services.DeskError) as refused:
        services.attach_file(ticket_a, fake, by=alice)
    assert "JPEG" in str(refused.value)


def test_import_file_is_deleted_after_the_import(
    client, supervisor, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(supervisor)
    data = (
        "merchant_id,name,mcc,region_code,settlement_account\n"
        "898440158120201,店,5499,440106,6222021234567890128\n"
    )
    upload = SimpleUploadedFile("m.csv", data.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports"), {"kind": "merchants", "file": upload})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and job.created_count == 1
    assert job.file.name == "" and not any(p.is_file() for p in tmp_path.rglob("*"))


def test_import_refuses_a_binary_file(client, supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(supervisor)
    upload = SimpleUploadedFile("m.csv", b"\x00\x01binary", content_type="text/csv")
    response = client.post(reverse("imports"), {"kind": "merchants", "file": upload})
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert "CSV" in response.content.decode()


def test_a_cell_over_128_kb_fails_the_job_clearly(
    client, supervisor, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(supervisor)
    data = (
        'merchant_id,name,mcc,region_code\n898440158120202,"' + "长" * 140_000 + '",5499,440106\n'
    )
    upload = SimpleUploadedFile("m.csv", data.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports"), {"kind": "merchants", "file": upload})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and "128 KB" in job.failure
