"""Building a promotion packet for a person with 2,000 and 10,000 wins, on SQLite and PostgreSQL.

Times the build (the log read in batches, placements and suggestions, readiness, feedback, the
framework), the Markdown and HTML rendering (with the chart drawn), and the PDF once; and measures the
peak memory Python allocated while building (tracemalloc), which should not grow with the log. A third
of the wins are untagged, so Trellis suggests a competency for them. Run from the repository root:

    python bench/packet_build.py [--wins 2000,10000] [--runs 5] [--pdf]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from growth.assessments import record_assessment  # noqa: E402
from growth.frameworks.shipped import shipped  # noqa: E402
from growth.levels import position, workspace_catalogue  # noqa: E402
from growth.packet import build_packet, to_html, to_markdown, to_pdf  # noqa: E402
from growth.wins import Details, Visibility, log_win  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402
from tests.factories import maya_aiming_for_ic4  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
COMPETENCIES = [c.id for c in shipped()[0].competencies]
UNTAGGED = [
    "Mentored two engineers through their first on-call weeks",
    "Wrote the design doc for the ledger split and settled its trade-offs with reviewers",
    "Renewed the team's passport photos",  # matches nothing: Other wins
]


def fill(db: Database, wins: int) -> None:
    """Maya's log, and a self-assessment (so the packet's chart is drawn)."""
    maya = maya_aiming_for_ic4(db, now=NOW)
    with db.session() as session:
        cat, stored = workspace_catalogue(session, maya.team_id, shipped(), NOW)
        target = position(maya, cat).target  # type: ignore[union-attr]
        ratings = {c.id: 2 for c, _ in target.framework.expectations_at(target.level.id)}
        record_assessment(
            session, person=maya, target=target, stored=stored[target.framework.name], ratings=ratings, now=NOW
        )
    with db.session() as session:
        for n in range(wins):
            untagged = n % 3 == 0
            text = f"Win {n}: led the review of incident {n} across two teams"
            details = Details(
                UNTAGGED[n % len(UNTAGGED)] if untagged else text,
                what="Postmortem published",
                why="Fewer pages",
                evidence_url=f"https://docs.example/{n}",
                visibility=Visibility.SHARED,
                competencies=[] if untagged else [COMPETENCIES[n % len(COMPETENCIES)]],
            )
            day = TODAY - timedelta(days=n % 700)
            log_win(session, person=maya, details=details, source="bench", request_key=f"k{n}", today=day, now=NOW)


def measure(url: str, wins: int, runs: int, pdf: bool) -> str:
    db = Database.from_url(url)
    migrate.upgrade(db)
    fill(db, wins)
    maya = maya_aiming_for_ic4(db, now=NOW)
    build, render = [], []
    for _ in range(runs):
        started = time.perf_counter()
        with db.session() as session:
            packet = build_packet(session, person=maya, defaults=shipped(), now=NOW, today=TODAY)
        built = time.perf_counter()
        to_markdown(packet), to_html(packet)
        build.append(built - started)
        render.append(time.perf_counter() - built)
    tracemalloc.start()
    with db.session() as session:
        packet = build_packet(session, person=maya, defaults=shipped(), now=NOW, today=TODAY)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    line = (
        f"build {statistics.median(build) * 1000:7.1f} ms, render md+html {statistics.median(render) * 1000:6.1f} ms,"
        f" peak while building {peak / 2**20:5.1f} MiB"
    )
    if pdf:
        started = time.perf_counter()
        pages = len(PdfReader(io.BytesIO(to_pdf(packet))).pages)
        line += f", pdf {time.perf_counter() - started:5.1f} s ({pages} pages)"
    db.dispose()
    return line


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wins", default="2000,10000", help="comma-separated log sizes")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="also lay out the PDF once per size")
    args = parser.parse_args()
    sizes = [int(size) for size in args.wins.split(",")]
    print(f"a packet for a person with {' and '.join(f'{n:,}' for n in sizes)} wins, median of {args.runs} runs")
    for wins in sizes:
        with tempfile.TemporaryDirectory() as folder, temporary_postgres(postgres_server()) as postgres:
            for name, url in (("sqlite", f"sqlite:///{folder}/bench.db"), ("postgres", postgres)):
                print(f"  {wins:>6,} wins {name:<8} {measure(url, wins, args.runs, args.pdf)}", flush=True)


if __name__ == "__main__":
    main()
