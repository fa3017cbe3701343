"""Stored files: kept outside any public folder, served only through views that check the
user's scope, as attachments of the right type that no cache keeps; documents judged by
their content, not their name."""

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from common.files import PrivateStorage, move_to_private
from quotas.models import Plan
from reports.models import ExportJob, ExportStatus

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _docx(*, macro=False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


def _plan_data(**extra):
    return {"title": "Kế hoạch phát triển đảng viên năm 2025", "symbol": "KH/HU", "first_year": 2025, **extra}


def _upload(client, tree, name, content):
    document = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(reverse("quotas:create", args=[tree.district.pk]), _plan_data(document=document))


def test_every_file_field_stores_privately_and_has_no_url():
    fields = [f for m in apps.get_models() for f in m._meta.get_fields() if isinstance(f, models.FileField)]
    assert {f"{f.model._meta.label}.{f.name}" for f in fields} >= {"quotas.Plan.document", "reports.ExportJob.file"}
    for field in fields:
        assert isinstance(field.storage, PrivateStorage), field
        with pytest.raises(ValueError):
            field.storage.url("x.pdf")


def test_no_template_links_a_stored_file():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"\.url\s*}}", text), path
        assert "/media/" not in text and "MEDIA_URL" not in text, path


@pytest.mark.parametrize(
    "name,content",
    [
        ("ke-hoach.pdf", HTML),  # HTML named .pdf
        ("ke-hoach.docx", HTML),
        ("ke-hoach.docx", _docx(macro=True)),  # a macro-enabled document renamed
        ("ke-hoach.pdf", b""),
        ("ke-hoach.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old word"),
        ("ke-hoach.pdf", b"PK\x03\x04not a zip"),
    ],
)
def test_a_document_is_judged_by_its_content(client_for, tree, private_root, name, content):
    response = _upload(client_for("district_planner"), tree, name, content)
    assert response.status_code == 200 and not Plan.objects.exists()
    if content:  # an empty file gets Django's own "the file is empty"
        assert "không phải văn bản PDF hay Word" in response.content.decode()
    assert not private_root.exists() or not any(p.is_file() for p in private_root.rglob("*"))


@pytest.mark.parametrize(
    "name,content,stored,content_type",
    [
        ("ke-hoach.pdf", PDF, ".pdf", "application/pdf"),
        ("ke-hoach.docx", _docx(), ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("ke-hoach-scan", PDF, ".pdf", "application/pdf"),  # no extension: stored as what it is
    ],
)
def test_a_signed_document_is_served_through_the_scope(
    client_for, tree, private_root, name, content, stored, content_type
):
    client = client_for("district_planner")
    assert _upload(client, tree, name, content).status_code == 302
    plan = Plan.objects.get()
    assert plan.document.name.endswith(stored)
    assert (private_root / plan.document.name).read_bytes() == content
    url = reverse("quotas:document", args=[plan.pk])
    assert url in client.get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    # The same scope as the plan: the viewer of the district reads it, others do not know it exists.
    assert client_for("viewer").get(url).status_code == 200
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("clerk").get(url).status_code == 404  # a draft of the district above
    assert client_for("admin").get(reverse("quotas:document", args=[999_999])).status_code == 404


def test_a_plan_without_a_document_has_none_to_serve(client_for, tree):
    assert client_for("district_planner").post(reverse("quotas:create", args=[tree.district.pk]), _plan_data())
    plan = Plan.objects.get()
    assert client_for("district_planner").get(reverse("quotas:document", args=[plan.pk])).status_code == 404


def test_a_background_export_is_served_privately(client_for, tree, users, private_root):
    job = ExportJob.objects.create(
        organization=tree.district,
        year=2025,
        as_of=dt.date(2025, 6, 30),
        format="pdf",
        status=ExportStatus.DONE,
        requested_by=users.admin,
    )
    job.file.save("bao-cao.pdf", ContentFile(PDF))
    assert (private_root / job.file.name).is_file()
    url = reverse("reports:export_job", args=[tree.district.pk, job.pk]) + "?download=1"
    response = client_for("viewer").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert client_for("outsider").get(url).status_code == 404
    # Another organization's id in the URL does not reach the job.
    assert client_for("admin").get(reverse("reports:export_job", args=[tree.city.pk, job.pk])).status_code == 404


def test_the_data_migration_moves_existing_files(tmp_path, private_root):
    old = tmp_path / "media"
    (old / "plans" / "2024").mkdir(parents=True)
    (old / "plans" / "2024" / "kh.pdf").write_bytes(PDF)
    assert move_to_private(["plans/2024/kh.pdf", "plans/2024/missing.pdf", ""], source=str(old)) == 1
    assert (private_root / "plans" / "2024" / "kh.pdf").read_bytes() == PDF
    assert not (old / "plans" / "2024" / "kh.pdf").exists()
