"""The floor the HTTP benchmarks compare against: `bench.bare_bolt` on gunicorn, as Trellis is served."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import RunningBot, free_port, start_server

ROOT = Path(__file__).resolve().parents[1]


def start_bare(env: dict[str, str], cwd: Path, workers: int, *, in_request_thread: bool = False) -> RunningBot:
    """A Bolt app that verifies the signature and only acknowledges, on `workers` gthread workers x 8;
    `in_request_thread`: with `process_before_response` (no listener thread, no wait for the ack)."""
    port = free_port()
    server = ["gunicorn", "-k", "gthread", "-w", str(workers), "--threads", "8", "-b", f"127.0.0.1:{port}"]
    env = {**env, "PYTHONPATH": str(ROOT)}
    if in_request_thread:
        env["BARE_BOLT_PROCESS_BEFORE_RESPONSE"] = "1"
    return start_server([*server, "bench.bare_bolt:api"], env, cwd, port=port, ready_path="/slack/events")
