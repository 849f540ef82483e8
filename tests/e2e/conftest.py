"""The bot as Slack meets it: `trellis serve --http` in its own process, on a free port, against the fake."""

from __future__ import annotations

import fcntl
import os
import pty
import socket
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from slacksim import FakeSlack, SlackSender, http

SIGNING_SECRET = "e2e-signing-secret-8f2a"
BOT_TOKEN = "xoxb-e2e-token"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bot_environment(database_url: str, fake: FakeSlack, **extra: str) -> dict[str, str]:
    """The process environment minus anything Slack-ish the developer has set, plus the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PORT"))}
    env.update(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database_url,
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    return env


def trellis(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 60, typed: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`trellis ARGS` in its own process; `typed` is what the operator types at its prompt."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        input=typed,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def trellis_on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run `trellis ARGS` with standard error on a pseudo-terminal, as an operator at a shell would."""
    main, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # 120 columns, like a shell
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=terminal
    )
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    return process.wait(timeout=60), seen.decode(errors="replace")


@dataclass
class RunningBot:
    url: str
    process: subprocess.Popen[bytes]
    log: Path  # the process's standard error: read it when a test fails

    def logged(self) -> str:
        return self.log.read_text(errors="replace")

    @property
    def events_url(self) -> str:
        return self.url + "/slack/events"


def start_server(
    args: list[str], env: dict[str, str], cwd: Path, *, port: int, ready_path: str, timeout: float = 30
) -> RunningBot:
    """Run `python -m ARGS` and wait until GET `ready_path` answers 2xx or 4xx (the process is listening).

    Its standard error goes to a file beside it (a pipe nobody reads would fill and stall the process)."""
    log = cwd / f"{args[0]}-{port}.log"
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", *args], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{args[0]} exited with {process.returncode}: {log.read_text(errors='replace')}")
        try:
            if http(url + ready_path, timeout=1).status < 500:
                return RunningBot(url, process, log)
        except OSError:
            pass
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"{args[0]} did not answer {ready_path} within {timeout} s")


def start_bot(env: dict[str, str], cwd: Path, *extra_args: str) -> RunningBot:
    """`trellis serve --http` on a free port, ready once /healthz says the database is fine."""
    port = free_port()
    args = ["bot", "serve", "--http", "--host", "127.0.0.1", "--port", str(port), *extra_args]
    return start_server(args, env, cwd, port=port, ready_path="/healthz")


def stop_bot(bot: RunningBot) -> None:
    bot.process.terminate()
    try:
        bot.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        bot.process.kill()
        bot.process.wait()


@pytest.fixture(scope="session")
def running_bot(
    database_url: str, fake_slack_server: FakeSlack, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningBot]:
    """One bot process per database kind, shared by the end-to-end tests of that kind."""
    cwd = tmp_path_factory.mktemp("bot")
    fake_slack_server.reset()  # not as the last test left it: a revoked token would stop the start
    bot = start_bot(bot_environment(database_url, fake_slack_server), cwd, "--workers", "2")
    yield bot
    stop_bot(bot)


@pytest.fixture
def sender(running_bot: RunningBot, slack: FakeSlack) -> SlackSender:
    return SlackSender(running_bot.events_url, SIGNING_SECRET, slack)


_LOGGED_BEFORE = pytest.StashKey[dict[Path, int]]()


def _bots(item: pytest.Item) -> list[RunningBot]:
    return [value for value in getattr(item, "funcargs", {}).values() if isinstance(value, RunningBot)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Note where each running bot's log stands as the test starts (its fixtures are set up by now)."""
    item.stash[_LOGGED_BEFORE] = {bot.log: len(bot.logged()) for bot in _bots(item)}
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    """A failed test's report carries what the bots it talked to logged while it ran: a flake on CI
    (a message that never came) can then be told apart from a slow machine or a failed send."""
    report: pytest.TestReport = yield
    if report.when == "call" and report.failed:
        for bot in _bots(item):
            since = item.stash.get(_LOGGED_BEFORE, {}).get(bot.log, 0)
            report.sections.append((f"bot log during the test ({bot.log.name})", bot.logged()[since:] or "(nothing)"))
    return report
