"""One-page PDF for parents from the same data as the pages (WeasyPrint renders HTML/CSS)."""

from __future__ import annotations

import base64

import segno
from django.template.loader import render_to_string

PDF_MIME = "application/pdf"


def qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=3, dark="#12365f")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def card_pdf(card: dict, *, public_url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reports/card_pdf.html", {"card": card, "public_url": public_url, "qr": qr_data_uri(public_url)}
    )
    return HTML(string=html).write_pdf()
