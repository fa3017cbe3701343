"""Stored files (signed plan documents, background exports): kept outside any public
folder and handed out only by views that have checked the user's scope first.

There is no URL for a stored file: `PrivateStorage.url()` refuses, so a template cannot
link one by mistake. A view resolves the object through `organizations.access` (404 out
of scope, 403 for a role too low) and answers with `serve_file()`.
"""

import os
import zipfile

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from .headers import no_store


class PrivateStorage(FileSystemStorage):
    """Files under `settings.PRIVATE_FILES_ROOT`, never under a served folder."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_FILES_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Stored files have no public URL: serve them through a view that checks the scope.")


def attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A generated file (export, template, printed plan) sent as a download; Django writes the
    Content-Disposition header (quoting, non-ASCII names)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def serve_file(file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download: attachment, its own type, never kept by a cache."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    return no_store(response)


# Signed documents: what the content is, whatever the file is called.
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_TYPES = {PDF_TYPE: ".pdf", DOCX_TYPE: ".docx"}
CONTENT_TYPES_BY_EXTENSION = {extension: kind for kind, extension in DOCUMENT_TYPES.items()}
NOT_A_DOCUMENT = _(
    "The file is not a PDF or Word (.docx) document: its content is something else. "
    "Attach the signed plan as a PDF or .docx file."
)


def document_type(upload) -> str | None:
    """The content type of an uploaded signed document judged by its bytes: a PDF (starts
    with `%PDF-`) or a Word .docx (a zip holding `word/document.xml` and no macros);
    None for anything else (HTML named .pdf, a macro-enabled .docm, an old .doc)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF_TYPE
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names and not any(name.lower().endswith("vbaproject.bin") for name in names):
            return DOCX_TYPE
    return None


def content_type_of(name: str) -> str:
    """The type a stored file is served with, from the extension it was stored under
    (stored names are chosen by the app from the checked content)."""
    return CONTENT_TYPES_BY_EXTENSION.get(os.path.splitext(name)[1].lower(), "application/octet-stream")


def legacy_media_root() -> str:
    """Where files were stored before they became private: DJANGO_MEDIA_ROOT or media/."""
    return os.environ.get("DJANGO_MEDIA_ROOT") or str(settings.BASE_DIR / "media")


def move_to_private(names, *, source: str | None = None) -> int:
    """Move stored files (by their stored names, which do not change) from the old public
    media folder into the private storage; for the data migrations. Returns the count moved."""
    import shutil

    source = source or legacy_media_root()
    target = PrivateStorage()
    moved = 0
    for name in names:
        old = os.path.join(source, name)
        new = target.path(name)
        if not name or not os.path.isfile(old) or os.path.exists(new):
            continue
        os.makedirs(os.path.dirname(new), exist_ok=True)
        shutil.move(old, new)
        moved += 1
    return moved
