"""Private files through the ``private`` storage: a local folder by default, an S3-compatible bucket
when one is configured; either way served only by the permission-checked, audited views."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.services import document_add
from core.storage import PRIVATE, PrivateFileSystemStorage, private_files_are_not_public

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 consent form of the guardian"


def upload(cast, name: str = "同意书.pdf"):
    return document_add(
        actor=cast.worker,
        case=cast.case,
        upload=SimpleUploadedFile(name, PDF, content_type="application/pdf"),
        kind="consent",
    )


@pytest.fixture
def private_dir(settings, tmp_path):
    folder = tmp_path / "private"
    backend = {"BACKEND": "core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(folder)}}
    settings.STORAGES = {**settings.STORAGES, "default": backend, "private": backend}
    return folder


def test_the_default_private_storage_is_a_folder_outside_the_public_paths(settings):
    from django.core.files.storage import storages

    assert settings.STORAGES["private"]["BACKEND"] == "core.storage.PrivateFileSystemStorage"
    location = Path(storages["private"].location).resolve()
    public = [Path(settings.STATIC_ROOT).resolve(), *(Path(p).resolve() for p in settings.STATICFILES_DIRS)]
    assert all(folder not in location.parents and folder != location for folder in public)
    assert private_files_are_not_public() == []


def test_a_private_folder_inside_a_public_one_fails_the_system_check(settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path / "static")
    backend = {"BACKEND": "core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": str(tmp_path / "static/x")}}
    settings.STORAGES = {**settings.STORAGES, "private": backend}
    assert [error.id for error in private_files_are_not_public()] == ["core.E010"]


def test_a_document_is_written_to_the_private_folder_and_has_no_url(cast, private_dir):
    document = upload(cast)
    assert isinstance(document.file.storage._wrapped, PrivateFileSystemStorage)
    assert (private_dir / document.file.name).read_bytes() == PDF
    with pytest.raises(ValueError, match="no public URL"):
        document.file.url  # noqa: B018


def test_a_document_is_served_only_through_the_checked_view(cast, client_for, private_dir):
    document = upload(cast)
    url = reverse("cases:document-download", args=[cast.case.pk, document.pk])
    response = client_for(cast.worker).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert client_for(cast.colleague).get(url).status_code == 404


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def s3_bucket(settings):
    """An S3-compatible server on a spare loopback port (moto's; no MinIO server binary is installable
    on this machine) and the private storage pointed at a bucket in it, as SHOUHU_S3_* would."""
    boto3 = pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    port = free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"aws_access_key_id": "shouhu", "aws_secret_access_key": "shouhu-secret", "region_name": "us-east-1"}
    client = boto3.client("s3", endpoint_url=endpoint, **keys)
    client.create_bucket(Bucket="shouhu-private")
    backend = {
        **settings.PRIVATE_STORAGE,
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "shouhu-private",
            "endpoint_url": endpoint,
            "access_key": keys["aws_access_key_id"],
            "secret_key": keys["aws_secret_access_key"],
            "region_name": "us-east-1",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
    settings.STORAGES = {**settings.STORAGES, "private": backend}
    yield client
    server.stop()


def test_with_a_bucket_documents_go_to_object_storage_and_urls_are_signed_for_a_minute(cast, client_for, s3_bucket):
    document = upload(cast)
    stored = s3_bucket.get_object(Bucket="shouhu-private", Key=document.file.name)
    assert stored["Body"].read() == PDF
    grants = s3_bucket.get_object_acl(Bucket="shouhu-private", Key=document.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only: not public-read
    query = parse_qs(urlparse(PRIVATE.url(document.file.name)).query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
    # the checked view streams it from the bucket; an outsider still gets 404
    url = reverse("cases:document-download", args=[cast.case.pk, document.pk])
    response = client_for(cast.worker).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_for(cast.colleague).get(url).status_code == 404


def test_with_a_bucket_a_generated_report_is_stored_there(cast, s3_bucket):
    import datetime as dt

    from django.utils import timezone

    from reports import services
    from reports.models import ReportStatus

    today = timezone.localdate()
    report = services.report_request(actor=cast.manager, start=today - dt.timedelta(days=30), end=today, format="xlsx")
    report = services.report_generate(report_id=report.pk, token="s3")
    assert report.status == ReportStatus.DONE
    body = s3_bucket.get_object(Bucket="shouhu-private", Key=report.file.name)["Body"].read()
    assert body[:2] == b"PK"  # an XLSX file


def test_naming_a_bucket_in_the_environment_switches_the_private_storage_to_s3():
    import json
    import os
    import subprocess
    import sys

    env = dict(
        os.environ,
        SHOUHU_S3_BUCKET="shouhu-private",
        SHOUHU_S3_ENDPOINT_URL="http://minio:9000",
        SHOUHU_S3_ACCESS_KEY="k",
        SHOUHU_S3_SECRET_KEY="s",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    code = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.STORAGES))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    storages = json.loads(out.strip().splitlines()[-1])
    options = storages["private"]["OPTIONS"]
    assert storages["private"]["BACKEND"] == "storages.backends.s3.S3Storage" == storages["default"]["BACKEND"]
    assert options["bucket_name"] == "shouhu-private" and options["endpoint_url"] == "http://minio:9000"
    assert options["default_acl"] == "private" and options["querystring_auth"] and options["querystring_expire"] == 60
