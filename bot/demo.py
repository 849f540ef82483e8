"""`trellis demo`: the whole bot against a local Slack simulator, a small team's week told as a transcript.

Everything is real but Slack: the bot serves HTTP on a loopback port, requests are signed as Slack signs
them, and the bot's Web API calls go to the project's Slack simulator (slacksim). The bot's clock starts
on this week's Monday, 09:00 in Paris, and moves on as the story does; each day opens with a progress
line. What the libraries log goes to ./trellis-demo/demo.log, and the files the bot made (the packet
as HTML, PDF and Markdown, and the pictures) are left in ./trellis-demo/.
"""

from __future__ import annotations

import html
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from zoneinfo import ZoneInfo

from bot.app import build_bot
from bot.http import EVENTS_PATH, TrellisWSGI
from bot.settings import Mode, Settings
from schedules.jobs import JOBS
from schedules.scheduler import run_job
from slacksim import FakeSlack, SlackSender
from storage import migrate
from storage.db import Database

SIGNING_SECRET = "demo-signing-secret"
PEERS = {"U0SAM": "Sam", "U0PRIYA": "Priya", "U0RAY": "Ray"}
OUT = Path("trellis-demo")  # what the demo leaves behind, beside where it was run
PARIS = ZoneInfo("Europe/Paris")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@contextmanager
def serving(application: Any) -> Iterator[str]:
    """A loopback HTTP server for the demo only (production HTTP runs on gunicorn)."""
    server = make_server("127.0.0.1", 0, application, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def render(blocks: list[dict[str, Any]]) -> list[str]:
    """Block Kit as a person would read it, in plain text."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(f"## {block['text']['text']}")
        elif kind == "section" and block.get("text"):
            lines.extend(html.unescape(block["text"]["text"]).splitlines())
        elif kind == "context":
            lines.append("(" + " ".join(html.unescape(e.get("text", "")) for e in block["elements"]) + ")")
        elif kind == "divider":
            lines.append("—")
        elif kind == "input":
            hint = f" — {block['hint']['text']}" if block.get("hint") else ""
            lines.append(f"[{block['label']['text']}]{hint}")
        elif kind == "image":
            lines.append(f"🖼  {block.get('title', {}).get('text', 'a picture')}")
        elif kind == "actions":
            lines.append("  ".join(f"[ {_label(element)} ]" for element in block["elements"]))
    return lines


def _label(element: dict[str, Any]) -> str:
    """What a button or a menu shows: its text, or the option it has chosen."""
    shown = element.get("text") or (element.get("initial_option") or {}).get("text") or {}
    return shown.get("text", element.get("type", ""))


def _chosen(value: str, kind: str = "static_select") -> dict[str, Any]:
    return {"type": kind, "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}}


def _after(fake: Any, method: str, step: Any) -> dict[str, Any]:
    """Do `step`, wait for the views.open or views.update it causes, and return that view as Slack holds it."""
    before = len(fake.calls(method))
    step()
    call = fake.wait_for(method, before + 1)[-1]
    view_id = call.args.get("view_id")
    modals = [view for view in fake.views() if view.get("type") == "modal"]  # an App Home may be published meanwhile
    return next((v for v in modals if v["id"] == view_id), modals[-1])


class DemoClock:
    """The bot's clock in the demo: real time, moved forward when the story skips to Friday or next week."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def move_to(self, moment: datetime) -> None:
        self.offset = moment - datetime.now(UTC)


class Transcript:
    def __init__(self, out: Any = None) -> None:
        self.out = out or sys.stdout
        self.started = time.monotonic()
        self.day = 0

    def new_day(self, clock: DemoClock, days: int, what: str) -> None:
        """The progress line of a day of the story: which day, the bot's date, and the wall time so far."""
        self.day += 1
        when = clock().astimezone(PARIS)
        took = time.monotonic() - self.started
        print(f"\n▶ Day {self.day} of {days} · {when:%A %-d %B} · {what} · {took:4.1f} s", file=self.out, flush=True)

    def scene(self, title: str) -> None:
        print(f"\n=== {title} ===", file=self.out)

    def said(self, who: str, what: str) -> None:
        print(f"{who} > {what}", file=self.out)

    def shown(self, who: str, lines: list[str]) -> None:
        print(f"{who}:", file=self.out)
        for line in lines:
            print(f"    {line}", file=self.out)


def run_demo(out: Any = None, folder: Path = OUT) -> int:
    story = Transcript(out)
    folder.mkdir(exist_ok=True)
    _log_to(folder / "demo.log")
    with tempfile.TemporaryDirectory(prefix="trellis-demo-") as scratch, FakeSlack() as fake:
        settings = Settings.load(
            Mode.HTTP,
            {
                "SLACK_BOT_TOKEN": "xoxb-demo",
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": fake.api_url,
                "DATABASE_URL": f"sqlite:///{scratch}/demo.db",
            },
        )
        db = Database.from_url(settings.database_url)
        migrate.upgrade(db)
        clock = DemoClock()
        clock.move_to(_this_monday())
        bot = build_bot(settings, db=db, clock=clock)
        team = fake.team_id
        fake.add_user(team, "U0MAYA", name="Maya", real_name="Maya Lin", tz="Europe/Paris", tz_offset=3600)
        fake.add_user(team, "U0DEV", name="Dev", real_name="Dev Patel", tz="America/New_York", tz_offset=-18000)
        for user, name in PEERS.items():
            fake.add_user(team, user, name=name, real_name=f"{name} (Payments)", tz="Europe/London")
        try:
            with serving(TrellisWSGI(bot)) as base:
                slack = SlackSender(base + EVENTS_PATH, SIGNING_SECRET, fake)
                for day, (what, play) in enumerate(DAYS):
                    if day:
                        clock.move_to(_this_monday() + STARTS[day])
                    story.new_day(clock, len(DAYS), what)
                    play(story, slack, fake, bot, clock)
        finally:
            bot.close()
        left = _leave(fake, folder)
    _farewell(story, folder, left)
    return 0


def _log_to(path: Path) -> None:
    """Everything the libraries log (at INFO and up) goes to a file: the transcript stays readable."""
    logging.basicConfig(
        filename=path,
        filemode="w",
        level=logging.INFO,
        force=True,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.captureWarnings(True)


def _this_monday() -> datetime:
    """09:00 in Paris on this week's Monday: every run tells the same week, on its own dates."""
    today = datetime.now(PARIS).date()
    monday = today - timedelta(days=today.weekday())
    return datetime(monday.year, monday.month, monday.day, 9, tzinfo=PARIS).astimezone(UTC)


def _leave(fake: Any, folder: Path) -> list[str]:
    """Write every file the bot uploaded (packet, charts, pictures) into `folder`; their names."""
    names = []
    for name, content in fake.files():
        (folder / name).write_bytes(content)
        names.append(name)
    return names


def _farewell(story: Transcript, folder: Path, left: list[str]) -> None:
    took = time.monotonic() - story.started
    story.scene(f"Done in {took:.1f} s. The files the bot made are in ./{folder}/")
    order = {".html": 0, ".pdf": 1, ".png": 2, ".md": 3}
    notes = {
        ".html": "the packet, a page that prints well",
        ".pdf": "the packet as a PDF",
        ".md": "the packet in Markdown",
    }
    for name in sorted(dict.fromkeys(left), key=lambda n: (order.get(Path(n).suffix, 9), n)):
        note = notes.get(Path(name).suffix, "a picture the bot drew")
        print(f"    {folder / name}  ({note})", file=story.out)
    print(f"    {folder / 'demo.log'}  (what the libraries logged)", file=story.out)
    print(
        "\nTo connect a real workspace, create the Slack app from manifest.yml, put its tokens in .env "
        "(README: Create the Slack app), then run:\n    trellis serve",
        file=story.out,
    )


Day = Callable[[Transcript, Any, Any, Any, DemoClock], None]


def _monday(story: Transcript, slack: Any, fake: Any, bot: Any, clock: DemoClock) -> None:
    story.scene("Setting up: the workspace admin points Slack at Trellis")
    reply = slack.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    story.said("Slack", "url_verification")
    story.shown("Trellis", [f"HTTP {reply.status}: challenge echoed" if reply.status == 200 else reply.text])

    story.scene("Maya opens Trellis in Slack for the first time")
    slack.app_home_opened("U0MAYA")
    story.said("Maya", "opens the Trellis App Home tab")
    story.shown("Trellis (App Home)", render(fake.wait_for("views.publish")[-1].args["view"]["blocks"])[:8])
    before = len(fake.calls("views.publish"))
    for user in ("U0DEV", *PEERS):
        slack.app_home_opened(user)
    fake.wait_for("views.publish", before + 1 + len(PEERS))
    story.said("Dev, Sam, Priya and Ray", "open it too: each is now nudged weekly, at 15:00 on Friday their time")
    story.said("Maya", "/trellis")
    reply = slack.command("/trellis", "", user_id="U0MAYA", user_name="maya")
    story.shown("Trellis (only visible to you)", [*render(reply.json().get("blocks", []))[:4], "…"])

    story.scene("Setting the target")
    story.said("Maya", "/trellis level")
    modal = _after(fake, "views.open", lambda: slack.command("/trellis", "level", user_id="U0MAYA"))
    story.said("Maya", "picks IC3 · Software Engineer III as her level")
    choice = {"action_id": "level_current", **_chosen("software-engineering/IC3")}
    modal = _after(fake, "views.update", lambda: slack.block_action(user_id="U0MAYA", view=modal, action=choice))
    offered = [option["text"]["text"] for option in modal["blocks"][1]["element"]["options"]]
    story.shown("Trellis (level modal)", [f"Where you are heading: {', '.join(offered)}"])
    values = {
        "level_current": {"level_current": _chosen("software-engineering/IC3")},
        "level_target": {"level_target": _chosen("software-engineering/IC4")},
    }
    saved = slack.view_submission(user_id="U0MAYA", view=modal, values=values).json()["view"]
    story.shown("Trellis (level modal)", render(saved["blocks"])[:1])

    story.scene("Where she stands against IC4: the self-assessment")
    _assess(story, slack, fake, {"Mentoring": 2, "Technical direction": 1, "Cross-team leadership": 1})


def _assess(story: Transcript, slack: Any, fake: Any, answers: dict[str, int]) -> None:
    story.said("Maya", "/trellis gaps")
    published, posted = len(fake.calls("views.publish")), len(fake.calls("chat.postMessage"))
    form = _after(fake, "views.open", lambda: slack.command("/trellis", "gaps", user_id="U0MAYA"))
    questions = [block for block in form["blocks"] if block["type"] == "input"]
    story.shown("Trellis (modal)", [f"{len(questions)} questions, such as:", *render(questions[-1:])])
    story.said("Maya", "answers honestly: strong on craft and delivery, not yet leading beyond her team")
    rated = {
        block["block_id"]: {"gap_rating": _chosen(str(answers.get(block["label"]["text"], 4)), "radio_buttons")}
        for block in questions
    }
    charts = sum(1 for call in fake.calls("files.getUploadURLExternal") if call.args["filename"].startswith("gaps-"))
    name = f"gaps-IC4-{charts + 1}"  # the chart is named after the assessment
    slack.view_submission(user_id="U0MAYA", view=form, values=rated)
    dm = fake.wait_for("chat.postMessage", posted + 1)[posted]
    story.shown("Trellis (DM)", render(dm.args["blocks"])[:2])
    fake.wait_for_file(lambda uploaded: uploaded.startswith(name))
    story.shown("Trellis (DM)", [f"📎 {name}.png: a chart of her answers against what IC4 expects"])
    home = render(fake.wait_for("views.publish", published + 1)[-1].args["view"]["blocks"])
    heading = next(n for n, line in enumerate(home) if "→" in line)
    story.shown("Trellis (App Home)", home[heading : home.index("—", heading)][:5])


def _tuesday(story: Transcript, slack: Any, fake: Any, bot: Any, clock: DemoClock) -> None:
    story.scene("A win, in five seconds")
    win = "Led the payments outage review across three teams and published the postmortem"
    story.said("Maya", f"/win {win}")
    logged = slack.command("/win", win, user_id="U0MAYA", user_name="maya").json()
    story.shown("Trellis (only visible to you)", render(logged["blocks"]))
    tag = next(
        {**element, "block_id": block["block_id"]}
        for block in logged["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "win_tag"
    )
    story.said("Maya", f"taps “{tag['text']['text']}”")
    answered = len(fake.responses())
    slack.block_action(user_id="U0MAYA", action={k: tag[k] for k in ("action_id", "block_id", "type", "value")})
    redrawn = fake.wait_for_responses(answered + 1)[-1]
    story.shown("Trellis (only visible to you)", [line for line in render(redrawn["blocks"]) if "Tagged" in line])
    later = "Mentored Ana through her first on-call week"
    story.said("Maya", f"/win {later}   (and this time she does not tag it)")
    slack.command("/win", later, user_id="U0MAYA", user_name="maya")

    story.scene("Priya's thank-you, logged with the message shortcut")
    thanks = {
        "type": "message",
        "user": "U0PRIYA",
        "ts": f"{time.time():.6f}",
        "text": "Huge thanks <@U0MAYA> for fixing the flaky checkout test!",
    }
    story.said("Priya (in #eng)", "Huge thanks @Maya for fixing the flaky checkout test!")
    story.said("Maya", "on Priya's message: ⋯ > Log as a win")
    form = _after(
        fake,
        "views.open",
        lambda: slack.message_shortcut("log_as_win", user_id="U0MAYA", message=thanks, channel="C0ENG"),
    )
    fields = {b["block_id"]: b["element"] for b in form["blocks"] if b["type"] == "input"}
    story.shown(
        "Trellis (modal)",
        [
            f"What happened? {fields['win_text']['initial_value']}",
            f"Evidence link: {fields['win_link']['initial_value']}",
        ],
    )
    values = {
        "win_text": {"value": {"type": "plain_text_input", "value": fields["win_text"]["initial_value"]}},
        "win_competencies": {
            "value": {"type": "multi_static_select", "selected_options": [{"value": "collaboration"}]}
        },
        "win_why": {"value": {"type": "plain_text_input", "value": "Checkout deploys stopped failing at random"}},
        "win_link": {"value": {"type": "url_text_input", "value": fields["win_link"]["initial_value"]}},
        "win_date": {"value": {"type": "datepicker", "selected_date": f"{clock().astimezone(PARIS):%Y-%m-%d}"}},
        "win_visibility": {"value": {"type": "radio_buttons", "selected_option": {"value": "shared"}}},
    }
    before = len(fake.calls("chat.postEphemeral")) + len(fake.calls("chat.postMessage"))
    slack.view_submission(user_id="U0MAYA", view=form, values=values)
    deadline = time.monotonic() + 10
    while (
        len(fake.calls("chat.postEphemeral")) + len(fake.calls("chat.postMessage")) <= before
        and time.monotonic() < deadline
    ):
        time.sleep(0.02)
    story.said("Maya", "tags it Collaboration, shares it with her manager and mentors, and saves")

    story.scene("Safety: a forged request and a retried delivery")
    forged = slack.post(b"command=%2Ftrellis&text=help", "application/x-www-form-urlencoded", signature="v0=forged")
    story.said("Someone pretending to be Slack", "POST /slack/events with a forged signature")
    story.shown("Trellis", [f"HTTP {forged.status}: refused, nothing touched"])
    before = len(fake.calls("views.publish"))
    slack.app_home_opened("U0DEV", event_id="Ev0DEMO1")
    fake.wait_for("views.publish", before + 1)
    slack.app_home_opened("U0DEV", event_id="Ev0DEMO1", retry_num=1)
    story.said("Slack", "delivers Dev's app_home_opened, then retries the same event")
    story.shown("Trellis", [f"published Dev's home {len(fake.calls('views.publish')) - before} time(s): acted once"])


def _dm(fake: Any, user: str, before: int, containing: str = "") -> dict[str, Any]:
    """The first DM to `user` (containing `containing`) after the first `before` chat.postMessage calls."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for call in fake.calls("chat.postMessage")[before:]:
            if call.args.get("channel") in (user, "D" + user[1:]) and containing in call.args.get("text", ""):
                return call.args
        time.sleep(0.02)
    raise RuntimeError(f"no DM to {user}")


def _press(slack: Any, user: str, message: dict[str, Any], action_id: str) -> None:
    element, block_id = next(
        (e, b.get("block_id", "b"))
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )
    slack.block_action(user_id=user, action={**element, "block_id": block_id})


def _wednesday(story: Transcript, slack: Any, fake: Any, bot: Any, clock: DemoClock) -> None:
    story.scene("Maya asks Dev to confirm he is her manager")
    story.said("Maya", "/trellis manager @Dev")
    before = len(fake.calls("chat.postMessage"))
    slack.command("/trellis", "manager <@U0DEV|dev>", user_id="U0MAYA")
    request = _dm(fake, "U0DEV", before)
    story.shown("Trellis (DM to Dev)", render(request["blocks"]))
    story.said("Dev", "taps “Confirm”")
    before = len(fake.calls("chat.postMessage"))
    _press(slack, "U0DEV", request, "link_confirm")
    story.shown("Trellis (DM to Maya)", [_dm(fake, "U0MAYA", before)["text"]])

    story.scene("Walk away with a win: an ask, tried out")
    story.said("Maya", "/trellis ask")
    form = _after(fake, "views.open", lambda: slack.command("/trellis", "ask", user_id="U0MAYA"))
    values = {
        "decision": {"ask": {"type": "plain_text_input", "value": "Move our deploys from Friday to Tuesday"}},
        "recommendation": {"ask": {"type": "plain_text_input", "value": "Tuesday 10:00, with the on-call awake"}},
        "two_way": {"ask": {"type": "radio_buttons", "selected_option": {"value": "yes"}}},
        "competency": {"ask": {"type": "static_select", "selected_option": {"value": "technical-direction"}}},
    }
    before = len(fake.calls("chat.postMessage"))
    slack.view_submission(user_id="U0MAYA", view=form, values=values)
    ask = _dm(fake, "U0DEV", before)
    story.shown("Trellis (DM to Dev)", render(ask["blocks"]))
    story.said("Dev", "taps “Try it out”")
    before = len(fake.calls("chat.postMessage"))
    _press(slack, "U0DEV", ask, "ask_approve")
    story.shown("Trellis (DM to Maya)", [html.unescape(_dm(fake, "U0MAYA", before)["text"])])


def _thursday(story: Transcript, slack: Any, fake: Any, bot: Any, clock: DemoClock) -> None:
    _feedback_asked(story, slack, fake)


def _friday(story: Transcript, slack: Any, fake: Any, bot: Any, clock: DemoClock) -> None:
    """The check-in fan-out: everyone on the team at 15:00 their own time."""
    story.scene("15:00 in Paris, London and New York: the weekly check-in, for the whole team")
    for offset, where, users in ((0, "Paris", ["U0MAYA"]), (1, "London", list(PEERS)), (6, "New York", ["U0DEV"])):
        clock.move_to(_this_monday() + timedelta(days=4, hours=6 + offset))
        before = len(fake.calls("chat.postMessage"))
        run_job(JOBS["checkins"], bot.db, bot.dispatcher, bot.outbound, clock())
        bot.dispatcher.drain()
        names = ", ".join(PEERS.get(user, {"U0MAYA": "Maya", "U0DEV": "Dev"}.get(user, user)) for user in users)
        story.shown(f"Trellis, 15:00 in {where}", [f"check-in DM to {names}"])
        if "U0MAYA" in users:
            checkin = _dm(fake, "U0MAYA", before)
            story.shown("Trellis (DM to Maya)", render(checkin["blocks"]))
            _reply_in_thread(story, slack, fake, checkin)
        else:
            for user in users:
                _dm(fake, user, before)


def _reply_in_thread(story: Transcript, slack: Any, fake: Any, checkin: dict[str, Any]) -> None:
    story.said("Maya", "replies in the thread: “Learned that a small, reversible change gets a yes fast.”")
    # posted to Maya's user id; Slack put it in her DM, whose id the event names
    message = next(m for m in fake.posted() if m["text"] == checkin["text"])
    before = len(fake.calls("chat.postMessage"))
    slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": message["channel"],
            "user": "U0MAYA",
            "text": "Learned that a small, reversible change gets a yes fast.",
            "ts": f"{time.time():.6f}",
            "thread_ts": message["ts"],
        }
    )
    story.shown("Trellis (in the thread)", [_dm(fake, "U0MAYA", before)["text"]])


def _next_monday(story: Transcript, slack: Any, fake: Any, bot: Any, clock: DemoClock) -> None:
    story.scene("09:00 in New York: Dev's weekly digest")
    before = len(fake.calls("chat.postMessage"))
    run_job(JOBS["checkins"], bot.db, bot.dispatcher, bot.outbound, clock())
    bot.dispatcher.drain()
    digest = _dm(fake, "U0DEV", before)
    story.shown("Trellis (DM to Dev)", render(digest["blocks"]))


def _next_wednesday(story: Transcript, slack: Any, fake: Any, bot: Any, clock: DemoClock) -> None:
    story.scene("A week after “Try it out”: how did it go?")
    before = len(fake.calls("chat.postMessage"))
    run_job(JOBS["outbox"], bot.db, bot.dispatcher, bot.outbound, clock())
    asked = _dm(fake, "U0MAYA", before, "How did it go?")
    story.shown("Trellis (DM to Maya)", render(asked["blocks"]))
    story.said("Maya", "taps “Log the outcome as a win”")
    answered = len(fake.responses())
    _press(slack, "U0MAYA", asked, "ask_outcome")
    logged = fake.wait_for_responses(answered + 1)[-1]
    story.shown("Trellis (DM to Maya)", render(logged.get("blocks") or [])[:2] or [logged.get("text", "")])


def _next_friday(story: Transcript, slack: Any, fake: Any, bot: Any, clock: DemoClock) -> None:
    _feedback_closed(story, fake, bot, clock)

    story.scene("Maya assesses herself again, and opens her App Home")
    _assess(story, slack, fake, {"Mentoring": 3, "Technical direction": 2, "Cross-team leadership": 2})
    uploads = len(fake.calls("files.getUploadURLExternal"))
    slack.app_home_opened("U0MAYA")
    home = fake.wait_for_home("U0MAYA", "picture:gap-trend")
    story.said("Maya", "opens the App Home tab")
    story.shown(
        "Trellis (App Home)", [line for line in render(home["blocks"]) if line.startswith(("🖼", "*Confirm", "→"))]
    )
    drawn = len(fake.calls("files.getUploadURLExternal")) - uploads
    story.shown(
        "Trellis",
        [
            f"opening the App Home drew {drawn} new pictures: they were drawn and uploaded when their data changed,",
            "after the self-assessment, and the App Home shows them from their Slack files",
        ],
    )
    tag = next(b for b in home["blocks"] if b.get("block_id", "").startswith("suggested:"))
    story.said("Maya", "taps “Tag it” beside “Mentored Ana through her first on-call week”")
    slack.block_action(user_id="U0MAYA", action={**tag["accessory"], "block_id": tag["block_id"]})
    fake.wait_for_home("U0MAYA", "Mentoring: 1 win")
    story.shown("Trellis (App Home)", ["✅ Mentoring: 1 win, in 1 of the last 12 weeks (and the strip is redrawn)"])

    story.scene("At promotion time: the packet")
    story.said("Maya", "/trellis packet")
    reply = slack.command("/trellis", "packet", user_id="U0MAYA").json()
    story.shown("Trellis (only visible to you)", [reply["text"]])
    for suffix in (".md", ".html", ".pdf"):
        _, content = fake.wait_for_file(
            lambda name, s=suffix: name.startswith("packet-") and name.endswith(s), timeout=60
        )
        if suffix == ".md":
            first = content.decode().split("## At a glance")[1].split("\n\n")[1]
            story.shown(
                "Trellis (DM to Maya)", ["📎 the packet, in Markdown: its first page reads", *first.splitlines()[:11]]
            )
    story.shown("Trellis (DM to Maya)", ["📎 the same as an HTML page that prints well, and as a PDF"])


DAYS: list[tuple[str, Day]] = [
    ("levels and the self-assessment", _monday),
    ("wins, from the command and the shortcut", _tuesday),
    ("a manager link, an ask tried out", _wednesday),
    ("a feedback round", _thursday),
    ("the check-ins, for the whole team", _friday),
    ("the manager's digest", _next_monday),
    ("the ask's outcome, logged", _next_wednesday),
    ("feedback closes, pictures, the packet", _next_friday),
]
STARTS = [  # from Monday 09:00 in Paris
    timedelta(0),
    timedelta(days=1),
    timedelta(days=2),
    timedelta(days=3),
    timedelta(days=4, hours=6),
    timedelta(days=7, hours=6),  # 09:00 in New York
    timedelta(days=9, hours=3),
    timedelta(days=11),
]


def _feedback_asked(story: Transcript, slack: Any, fake: Any) -> None:
    """Thursday: Maya asks Dev and three peers, anonymously; each answers from their DM."""
    story.scene("Feedback against IC4, anonymous")
    story.said("Maya", "/trellis feedback")
    form = _after(fake, "views.open", lambda: slack.command("/trellis", "feedback", user_id="U0MAYA"))
    asked = [line for line in render(form["blocks"]) if line.startswith(("(Ask for", "[What", "(Anonymous"))]
    story.shown("Trellis (modal)", asked)
    story.said("Maya", "ticks Dev, adds Sam, Priya and Ray, keeps it anonymous and due in a week")
    values: dict[str, Any] = {
        "suggested": {"fb": {"type": "checkboxes", "selected_options": [{"value": "U0DEV"}]}},
        "people": {"fb": {"type": "multi_users_select", "selected_users": list(PEERS)}},
    }
    for block in form["blocks"]:
        element = block.get("element") or {}
        if block.get("block_id") == "competencies":
            values["competencies"] = {"fb": {"type": element["type"], "selected_options": element["initial_options"]}}
        if block.get("block_id") == "mode":
            values["mode"] = {"fb": {"type": element["type"], "selected_option": element["initial_option"]}}
    before = len(fake.calls("chat.postMessage"))
    shown = slack.view_submission(user_id="U0MAYA", view=form, values=values).json()["view"]
    story.shown("Trellis (modal)", render(shown["blocks"]))
    request = _dm(fake, "U0SAM", before)
    story.shown("Trellis (DM to Sam)", render(request["blocks"]))
    said = {
        "U0SAM": ("sometimes", "Ran the incident review for three teams", "Own one cross-team RFC this quarter"),
        "U0PRIYA": (
            "sometimes",
            "Brought Payments and Ledger to one plan",
            "Write the direction doc, not just the fix",
        ),
        "U0RAY": ("not_yet", "Decisions still go through Dev", "Lead the next planning session"),
        "U0DEV": ("sometimes", "Strong in the room; the written direction is missing", "Draft the Q1 tech plan"),
    }
    for user, (choice, example, step) in said.items():
        message = _dm(fake, user, before)
        give = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"])
        answer = _after(fake, "views.open", lambda g=give, u=user: slack.block_action(user_id=u, action=g))
        values = {}
        for block in answer["blocks"]:
            if block.get("block_id", "").startswith("rating:"):
                values[block["block_id"]] = {"fb": _chosen(choice, "radio_buttons")}
            elif block.get("block_id", "") == "example:technical-direction":  # one example: the rest, a choice
                values[block["block_id"]] = {"fb": {"type": "plain_text_input", "value": example}}
        values["next"] = {"fb": {"type": "plain_text_input", "value": step}}
        thanks = slack.view_submission(user_id=user, view=answer, values=values).json()["view"]
        if user == "U0SAM":
            story.said("Sam", "taps “Give feedback” and answers each competency, with an example")
            story.shown("Trellis (modal)", render(thanks["blocks"]))
    story.said("Priya, Ray and Dev", "answer too; Maya hears nothing until the round closes")


def _feedback_closed(story: Transcript, fake: Any, bot: Any, clock: DemoClock) -> None:
    story.scene("The round closes and the answers arrive together")
    before = len(fake.calls("chat.postMessage"))
    run_job(JOBS["feedback"], bot.db, bot.dispatcher, bot.outbound, clock())
    bot.dispatcher.drain()
    results = _dm(fake, "U0MAYA", before, "Your feedback against")
    story.shown("Trellis (DM to Maya)", render(results["blocks"]))
    upload = fake.wait_for_file(lambda name: name.startswith("feedback-"))
    story.shown("Trellis (DM to Maya)", ["📎 feedback-IC4-1.png: the answers beside her self-assessment"])
    assert upload
