"""Helpers several test modules share: generated PDFs and free loopback ports."""

from __future__ import annotations

import io
import socket

import pytest


def pdf_bytes(pages: list[str] | None = None, rectangle_only: bool = False) -> bytes:
    """A real PDF with one line of text per page; ``rectangle_only`` adds a page with no text layer."""
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    if rectangle_only:
        c.rect(100, 100, 200, 200, fill=1)
        c.showPage()
    for text in pages or []:
        c.drawString(72, 720, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def free_port() -> int:
    """A loopback port nobody listens on right now (servers under test bind 127.0.0.1 only)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
