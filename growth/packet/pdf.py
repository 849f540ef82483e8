"""The packet as a PDF, made from the printable HTML page with WeasyPrint.

WeasyPrint lays out HTML and CSS for paged media itself (Pango for text, no browser at run time), so
the PDF is the page a reader would print: same words, same chart, embedded, so the file stands alone.
"""

from __future__ import annotations

from growth.errors import GrowthError
from growth.packet.model import Packet
from growth.packet.page import to_html

PAPERS = ("A4", "Letter")
LETTER_ZONES = ("America/", "US/", "Canada/")  # where Letter is the paper on the desk; A4 elsewhere


class PdfUnavailable(GrowthError):
    """WeasyPrint or the Pango library it draws text with is not installed."""


def paper_for(tz: str | None) -> str:
    """Letter for people in the Americas, A4 for everyone else."""
    return "Letter" if tz and tz.startswith(LETTER_ZONES) else "A4"


def to_pdf(packet: Packet, *, paper: str = "A4", page: str | None = None) -> bytes:
    """The PDF of `page` (the packet's HTML, made here when not given) on `paper`."""
    if paper not in PAPERS:
        raise ValueError(f"paper is one of {', '.join(PAPERS)}")
    try:
        from weasyprint import CSS, HTML
    except OSError as error:  # the Python package is there, its Pango library is not
        raise PdfUnavailable(f"PDF packets need Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0): {error}") from None
    document = HTML(string=page or to_html(packet)).render(stylesheets=[CSS(string=f"@page {{ size: {paper}; }}")])
    return document.write_pdf() or b""
