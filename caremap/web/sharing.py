"""Share links and QR codes of service points, built from the configured public base URL."""

import io

import segno
from django.conf import settings


def share_url(request, point_id) -> str:
    """Return the point page's public address: CAREMAP_PUBLIC_BASE_URL, else this request's host."""
    path = f"/points/{point_id}/"
    base = settings.CAREMAP_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_svg(url: str) -> bytes:
    """Return an SVG QR code of `url` with error correction M, scaled for print and screen."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=4, border=2, dark="#000", light="#fff", xmldecl=False,
              title=url)
    return out.getvalue()
