"""One run of the directory job, as `trellis worker` runs it, in a process of its own, for
`bench/directory_refresh.py`: that checkout's Trellis first on the path, before anything is imported.
Prints what it measured through the engine, as JSON:

    python bench/directory_hour.py TREE DATABASE_URL SLACK_API_URL NOW
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

TREE, URL, API_URL, NOW = sys.argv[1:5]
sys.path[:0] = [TREE]

from sqlalchemy import event, text  # noqa: E402

from bot.slack_client import SlackClients  # noqa: E402
from schedules.directory import refresh_directories  # noqa: E402
from storage.db import Database  # noqa: E402


def memory_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak) of this process."""
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith(f"{field}:"):
            return int(row.split()[1]) / 1024
    return 0.0


def main() -> None:
    db = Database.from_url(URL)
    clients = SlackClients(API_URL)
    watched = {"rows": 0, "longest": 0.0}
    opened: dict[int, float] = {}

    @event.listens_for(db.engine, "begin")
    def began(connection: Any) -> None:
        opened[id(connection)] = time.perf_counter()

    def ended(connection: Any) -> None:
        began_at = opened.pop(id(connection), None)
        if began_at is not None:
            watched["longest"] = max(watched["longest"], time.perf_counter() - began_at)

    event.listen(db.engine, "commit", ended)
    event.listen(db.engine, "rollback", ended)

    @event.listens_for(db.engine, "after_cursor_execute")
    def counted(_conn: Any, cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("UPDATE PEOPLE"):
            watched["rows"] += len(parameters) if executemany else max(cursor.rowcount, 0)

    with db.session() as session:  # connected before the job: what grows is the job's own
        session.execute(text("SELECT 1"))
    before = memory_mb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    line = refresh_directories(
        db, lambda team, _: clients.for_outbox(f"xoxb-{team}-installed"), datetime.fromisoformat(NOW)
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = memory_mb("VmHWM")
    print(json.dumps({"line": line, "seconds": seconds, "cpu": cpu, "peak": peak, "growth": peak - before, **watched}))


if __name__ == "__main__":
    main()
