"""Checks on uploaded files: size and type, by extension and by content.

Uploads are read and parsed by the import pipeline and never served back: MEDIA_URL is not
routed, so nothing uploaded can reach a browser as it was sent.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Extension → the first bytes a file of that type starts with (None: text, checked below).
ALLOWED_TYPES = {
    ".xlsx": b"PK\x03\x04",
    ".csv": None,
    ".json": None,
}


def check_upload(upload) -> None:
    limit = settings.CAREMAP_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)d MB; the limit is %(limit)d MB.")
            % {"size": upload.size // 1_000_000 + 1, "limit": limit // 1_000_000},
            code="too_large",
        )
    name = upload.name.lower()
    extension = name[name.rfind("."):] if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("Only .xlsx, .csv and .json files can be uploaded."), code="wrong_type"
        )
    head = upload.read(2048)
    upload.seek(0)
    magic = ALLOWED_TYPES[extension]
    if magic is not None and not head.startswith(magic):
        raise ValidationError(_("The file's content does not match its type."), code="wrong_type")
    if magic is None and b"\x00" in head:
        raise ValidationError(_("The file's content does not match its type."), code="wrong_type")
