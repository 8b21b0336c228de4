"""Printable directory of a street's or community's service points, as a PDF.

The Chinese font is embedded (a TrueType subset), so every PDF viewer shows the text, and each
point carries a QR code to its public page built from CAREMAP_PUBLIC_BASE_URL.
"""

import datetime
import io
from pathlib import Path

import segno
from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from caremap.regions.models import Division

FONT_NAME = "CaremapCJK"
# Paths of WenQuanYi Micro Hei on Debian and Ubuntu (package fonts-wqy-microhei).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/local/share/fonts/wqy-microhei.ttc",
)
QR_SIZE = 22 * mm


class FontMissing(RuntimeError):
    """No TrueType font with Chinese glyphs was found to embed in the PDF."""


def find_font() -> Path:
    """Return the path of the font to embed, from CAREMAP_PDF_FONT or the usual places."""
    configured = settings.CAREMAP_PDF_FONT
    candidates = (configured,) if configured else FONT_CANDIDATES
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing(
        "No Chinese TrueType font found for the PDF directory (looked in "
        f"{', '.join(candidates)}). Install the Debian package fonts-wqy-microhei or set "
        "CAREMAP_PDF_FONT to a .ttf or .ttc file with Chinese glyphs."
    )


def register_font() -> str:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        path = find_font()
        # subfontIndex picks the first face of a TrueType collection (.ttc); a .ttf ignores it.
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


def qr_drawing(url: str, size: float = QR_SIZE) -> Drawing:
    """Return the QR code of url as vector squares, size points wide including the quiet zone."""
    qr = segno.make(url, error="m")
    matrix = list(qr.matrix_iter(scale=1, border=2))
    module = size / len(matrix)
    drawing = Drawing(size, size)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                y = size - (row_index + 1) * module
                drawing.add(Rect(col_index * module, y, module, module,
                                 fillColor=colors.black, strokeColor=None, strokeWidth=0))
    return drawing


def public_base_url(request) -> str:
    """Return CAREMAP_PUBLIC_BASE_URL, or the scheme and host the request came to when unset."""
    configured = settings.CAREMAP_PUBLIC_BASE_URL.rstrip("/")
    return configured or request.build_absolute_uri("/").rstrip("/")


def point_url(base_url: str, location) -> str:
    return f"{base_url}/points/{location.id}/"


def render_directory(division: Division, entries: list[dict]) -> bytes:
    """Return the PDF of a division's directory; entries come from `directory_entries`."""
    font = register_font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=16, leading=22)
    text_style = ParagraphStyle("text", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    name_style = ParagraphStyle("name", parent=text_style, fontSize=10.5, leading=15)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm,
                            topMargin=14 * mm, bottomMargin=14 * mm,
                            title=_("%(name)s: child care service directory") % {"name": division.name},
                            author="caremap", initialFontName=font)
    story = [
        Paragraph(_escape(_("%(name)s: child care service directory") % {"name": division.name}),
                  title_style),
        Paragraph(_escape(_(
            "%(count)s service points · printed %(date)s · scan a QR code for the latest "
            "details. In an emergency call 110 or 120.") % {
                "count": len(entries), "date": datetime.date.today().isoformat()}), text_style),
    ]
    if any(e["is_demo"] for e in entries):
        story.append(Paragraph(_escape(_(
            "Demonstration data: the service points below are generated and do not exist.")),
            text_style))
    story.append(Spacer(1, 4 * mm))
    rows = []
    for entry in entries:
        details = "<br/>".join(_escape(line) for line in (
            _("Address: %(value)s") % {"value": entry["address"] or "—"},
            _("Phone: %(value)s") % {"value": entry["phones"] or "—"},
            _("Opening hours: %(value)s") % {"value": entry["hours"] or "—"},
        ))
        rows.append([
            [Paragraph(_escape(entry["name"]), name_style), Paragraph(details, text_style)],
            qr_drawing(entry["url"]),
        ])
    if rows:
        table = Table(rows, colWidths=[doc.width - QR_SIZE - 4 * mm, QR_SIZE + 4 * mm])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        story.append(table)
    else:
        story.append(Paragraph(_escape(_("No public service points in this area yet.")), text_style))
    doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
