"""Building a promotion packet for a person with 2,000 wins, on SQLite and PostgreSQL.

Times the whole build (the log, its competencies, the framework) and the Markdown and HTML rendering,
median of several runs. Run from the repository root:

    python bench/packet_build.py [--wins 2000] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from growth.frameworks.shipped import shipped  # noqa: E402
from growth.packet import build_packet, to_html, to_markdown  # noqa: E402
from growth.wins import Details, Visibility, log_win  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.databases import postgres_server, temporary_postgres  # noqa: E402
from tests.factories import maya_aiming_for_ic4  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
COMPETENCIES = [c.id for c in shipped()[0].competencies]


def measure(url: str, wins: int, runs: int) -> str:
    db = Database.from_url(url)
    migrate.upgrade(db)
    maya = maya_aiming_for_ic4(db, now=NOW)
    with db.session() as session:
        for n in range(wins):
            details = Details(
                f"Win {n}: led the review of incident {n} across two teams",
                what="Postmortem published",
                why="Fewer pages",
                evidence_url=f"https://docs.example/{n}",
                visibility=Visibility.SHARED,
                competencies=[COMPETENCIES[n % len(COMPETENCIES)], COMPETENCIES[(n * 3) % len(COMPETENCIES)]],
            )
            log_win(
                session,
                person=maya,
                details=details,
                source="bench",
                request_key=f"k{n}",
                today=date(2026, 11, 23),
                now=NOW,
            )
    build, render = [], []
    for _ in range(runs):
        started = time.perf_counter()
        with db.session() as session:
            packet = build_packet(session, person=maya, defaults=shipped(), now=NOW, today=date(2026, 11, 23))
        built = time.perf_counter()
        to_markdown(packet), to_html(packet)
        build.append(built - started)
        render.append(time.perf_counter() - built)
    db.dispose()
    return f"build {statistics.median(build) * 1000:6.1f} ms, render md+html {statistics.median(render) * 1000:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wins", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, temporary_postgres(postgres_server()) as postgres:
        print(f"packet for a person with {args.wins} wins, median of {args.runs} runs")
        for name, url in (("sqlite", f"sqlite:///{folder}/bench.db"), ("postgres", postgres)):
            print(f"  {name:<8} {measure(url, args.wins, args.runs)}")


if __name__ == "__main__":
    main()
