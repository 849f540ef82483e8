"""The packet's printable page as a person sees it: headless Chromium at A4 (and Letter) width, printing."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from growth.feedback import Choice
from growth.frameworks.shipped import shipped
from growth.packet import Packet, build_packet, to_html, to_pdf
from growth.wins import Details, Visibility, log_win
from storage import migrate
from storage.db import Database
from tests.growth.feedback_team import NOW, close_due, feedback_team, give, start_round

MM = 96 / 25.4  # CSS pixels in a millimetre
MARGINS = 30  # mm: the page's left and right margins (growth.packet.page.STYLE)
WIDTHS = {"A4": round((210 - MARGINS) * MM), "Letter": round((215.9 - MARGINS) * MM)}
A4_POINTS = (595.3, 841.9)
COMPETENCIES = [c.id for c, _ in shipped()[0].expectations_at("IC4")]
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(el => `${el.tagName}.${el.className}: ${Math.round(el.getBoundingClientRect().right)}px`)"""


def _packet(folder: Path, wins: list[Details]) -> Packet:
    """Maya's packet, from a database like production's: a self-assessment, a feedback round, the wins."""
    db = Database.from_url(f"sqlite:///{folder / 'packet.db'}")
    migrate.upgrade(db)
    people = feedback_team(db)
    started = start_round(db, people, ["dev", "sam", "priya", "ray"])
    for who, choice in (("sam", Choice.SOMETIMES), ("priya", Choice.NOT_YET), ("ray", Choice.CONSISTENTLY)):
        give(db, started, people[who], choice, "Ran the incident review for three teams")
    close_due(db, started.round.due_at + timedelta(minutes=1))
    with db.session() as session:
        for n, details in enumerate(wins):
            day = NOW.date() - timedelta(days=n % 120)
            log_win(
                session, person=people["maya"], details=details, source="test", request_key=f"w{n}", today=day, now=NOW
            )
    with db.session() as session:
        made = build_packet(session, person=people["maya"], defaults=shipped(), now=NOW, today=NOW.date())
    db.dispose()
    return made


def _is_a4(page: Any) -> bool:
    width, height = (float(v) for v in page.mediabox[2:])
    return abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2


def _shown(browser: Any, page_html: str, width: int) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 1100})
    page.emulate_media(media="print")
    page.set_content(page_html, wait_until="load")
    return page


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_nothing_runs_off_the_page_and_the_chart_loads(
    browser: Any, tmp_path: Path, artifacts: Path, paper: str
) -> None:
    hostile = [
        Details("x" * 10_000, competencies=["delivery"]),  # one word of 10,000 characters
        Details(
            '<img src=x onerror="document.body.remove()"></table></ul> <!channel> & more', competencies=["delivery"]
        ),
        Details(
            "A link that never ends",
            evidence_url="https://docs.example/" + "very-long-path/" * 40,
            what="y" * 3000,
            competencies=["communication"],
        ),
        Details("Led the payments outage review across three teams", visibility=Visibility.SHARED),  # suggested
    ]
    made = _packet(tmp_path, hostile)
    page = _shown(browser, to_html(made), WIDTHS[paper])
    try:
        assert page.evaluate(OVERFLOWING) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[paper]
        chart = page.locator("img.chart")
        assert chart.count() == 1
        assert chart.evaluate("img => img.complete && img.naturalWidth > 400 && img.naturalHeight > 100")
        assert page.locator("li", has_text="<img src=x").count() == 1, "markup shows as the words it is"
        assert page.locator("text=suggested").count() >= 1
        page.screenshot(path=str(artifacts / f"packet-{paper}.png"), full_page=False)
    finally:
        page.close()


def test_a_packet_of_200_wins_paginates_in_the_browser_and_in_the_pdf(browser: Any, tmp_path: Path) -> None:
    wins = [
        Details(
            f"Win {n}: led the review of incident {n} with two other teams",
            what="Postmortem published in two days",
            why="The pager went quiet",
            evidence_url=f"https://docs.example/incidents/{n}",
            competencies=[COMPETENCIES[n % len(COMPETENCIES)]],
        )
        for n in range(200)
    ]
    made = _packet(tmp_path, wins)
    assert sum(len(s.wins) for s in made.sections) == 200, "every win is listed"
    page_html = to_html(made)
    page = _shown(browser, page_html, WIDTHS["A4"])
    try:
        printed = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    finally:
        page.close()
    assert len(printed.pages) >= 10
    assert all(_is_a4(p) for p in printed.pages)
    text = "".join(p.extract_text() for p in printed.pages)
    assert "Win 0:" in text and "Win 199:" in text
    ours = PdfReader(io.BytesIO(to_pdf(made, paper="A4", page=page_html)))
    assert (
        len(ours.pages) >= 10
        and all(_is_a4(p) for p in ours.pages)
        and "Win 199:" in "".join(p.extract_text() for p in ours.pages)
    )
    assert any("/XObject" in str(p.get("/Resources", {})) for p in ours.pages[:2]), "the chart is embedded"
