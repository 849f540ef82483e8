"""The promotion packet: for each competency of the target level, the expectation, the evidence and what
is missing, led by a first page a committee reads first. Markdown, printable HTML and PDF."""

from growth.packet.build import Requested, audience, build_packet, log_csv, missing_level, request
from growth.packet.markdown import to_markdown
from growth.packet.model import Packet, PacketWin, Section, WalkedAway
from growth.packet.page import chart_png, to_html
from growth.packet.pdf import PdfUnavailable, paper_for, to_pdf

__all__ = [
    "Packet",
    "PacketWin",
    "PdfUnavailable",
    "Requested",
    "Section",
    "WalkedAway",
    "audience",
    "build_packet",
    "chart_png",
    "log_csv",
    "missing_level",
    "paper_for",
    "request",
    "to_html",
    "to_markdown",
    "to_pdf",
]
