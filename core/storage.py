"""Private files — case documents and generated reports — live in the ``private`` storage
(``settings.STORAGES["private"]``): a local folder outside every public path by default (``make run``,
tests), or an S3-compatible bucket (MinIO, a cloud's object storage) when ``SHOUHU_S3_BUCKET`` (or
``AWS_STORAGE_BUCKET_NAME``) is set, so no web host keeps state.

Either way nothing has a public URL: a file leaves only through a view that checked the reader's
access and audited the read (the document and report downloads stream it), and on S3 a URL the
storage makes is signed and expires after ``SHOUHU_S3_URL_SECONDS`` (60 by default). Certificates
are rendered per request and never stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """A local folder whose files have no URL: they are served only by permission-checked views."""

    def url(self, name: str | None) -> str:
        raise ValueError("A private file has no public URL: serve it through a permission-checked view.")


class _PrivateStorage(LazyObject):
    """``storages["private"]``, looked up when first used and again after a settings change (tests)."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


PRIVATE = _PrivateStorage()


def private_storage() -> Storage:
    """The ``storage=`` of every private FileField (a callable, so migrations name it, not a backend)."""
    return PRIVATE  # type: ignore[return-value]


@receiver(setting_changed)
def _reset_private_storage(*, setting: str, **_: Any) -> None:
    if setting == "STORAGES":
        PRIVATE._wrapped = empty  # type: ignore[assignment]


def _public_folders() -> list[Path]:
    folders = [Path(p) for p in getattr(settings, "STATICFILES_DIRS", [])]
    for name in ("STATIC_ROOT", "MEDIA_ROOT"):
        if getattr(settings, name, None):
            folders.append(Path(getattr(settings, name)))
    return [folder.resolve() for folder in folders]


@checks.register(checks.Tags.security)
def private_files_are_not_public(**_: Any) -> list[checks.CheckMessage]:
    """The private folder may not lie inside (or contain) a folder that is served as it is."""
    backend = settings.STORAGES.get("private", {})
    location = backend.get("OPTIONS", {}).get("location")
    if not location:
        return []  # object storage: no folder on the host
    private = Path(location).resolve()
    for public in _public_folders():
        if private == public or public in private.parents or private in public.parents:
            return [
                checks.Error(
                    f"The private files folder {private} overlaps the public folder {public}.",
                    hint="Set PRIVATE_MEDIA_ROOT outside static and media folders.",
                    id="core.E010",
                )
            ]
    return []
