"""Sends the outbox: due rows go to Slack, outcomes go back to the row.

Retrying is decided here, not inside the HTTP client: a 429 makes the row (and the rest of that
workspace's batch) due again after Retry-After; a 5xx or a dropped connection backs off exponentially;
an answer that retrying cannot change (a user who left, a channel that is gone) fails the row at once.
Two answers are neither: a growth channel Trellis cannot post in makes the row wait for it (tried
again now and then, `growth.channel`), and a workspace the app was uninstalled from cancels the row.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from http.client import HTTPException
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlmodel import Session

from delivery.kinds import POSTS
from delivery.outbound import unposting
from growth import channel
from growth.workspaces import is_uninstalled
from storage import outbox
from storage.db import Database

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
INLINE = 5  # rows a request sends itself, after its answer is shown; anything more is the worker's
# Rows marked "calling" at once, ahead of their calls: a sender killed mid-batch leaves at most this many
# in doubt (each looked for in Slack before it goes again), for one commit per this many rows.
CALLING_AHEAD = 3
LONGEST_BACKOFF = timedelta(minutes=15)
TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"})
# What Slack answers once the app is gone from a workspace: its rows are cancelled if it was uninstalled.
TOKEN_GONE = frozenset({"token_revoked", "invalid_auth", "account_inactive", "not_authed", "token_expired"})

Clock = Callable[[], datetime]
Progress = Callable[[int], object]  # told how many more units of work are done (a CLI's progress bar)
ClientForTeam = Callable[[str, str | None], WebClient | None]


@dataclass(frozen=True)
class Upload:
    """A file for a person's DM, made from an outbox row when it is sent (so the row stays small)."""

    user: str
    filename: str
    title: str
    alt_txt: str
    content: bytes


class Gone(LookupError):
    """What an upload row points at no longer exists; the row fails without retrying."""


UploadMaker = Callable[[Any], Upload]  # takes the row (outbox.Claimed)


class Later(Exception):
    """The row is not due yet after all (say, the person moved time zone): send it at `at`."""

    def __init__(self, at: datetime) -> None:
        super().__init__(at.isoformat())
        self.at = at


class NothingToSend(Exception):
    """The row's reason to send has gone (answered, skipped, away): it is done without a Slack call."""


class ChannelUnavailable(Exception):
    """The growth channel cannot be posted in (`growth.channel.PROBLEMS`): the row waits for it."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Recorded:
    """A sender's answer when it marked its row sent itself (`outbox.record_sent`), in the transaction
    that recorded what the send changed: one commit where the dispatcher would add one of its own."""

    response: dict[str, Any]


# Composes and makes its own Slack calls for a row; returns what later work needs from Slack's answer.
Sender = Callable[[WebClient, Any], "dict[str, Any] | Recorded"]  # takes the client and the row (outbox.Claimed)
MARKER = "trellis_outbox"  # the message metadata event type that carries a row's key


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unneeded: int = 0  # done without a Slack call: the reason to send had gone (NothingToSend)
    waiting: int = 0  # for the growth channel to work again
    cancelled: int = 0  # their workspace uninstalled the app
    taken_down: int = 0  # of those claimed: deletions of posts taken back while Slack had them
    withdrawn: int = 0  # not sent: taken back since the claim (or settled by another sender, the lease lapsed)
    failures: list[str] = field(default_factory=list)
    pauses: list[datetime] = field(default_factory=list)  # until when a workspace was told to wait (429)
    deletions: list[int] = field(default_factory=list)  # such deletions queued, not sent yet

    def summary(self) -> str:
        line = f"sent {self.sent}, rescheduled {self.retried}, gave up on {self.failed}"
        line += f", not needed any more {self.unneeded}" if self.unneeded else ""
        line += f", waiting for the growth channel {self.waiting}" if self.waiting else ""
        line += f", cancelled (uninstalled) {self.cancelled}" if self.cancelled else ""
        line += f", taken back before sending {self.withdrawn}" if self.withdrawn else ""
        line += f" ({self.taken_down} of them deleting posts taken back on their way)" if self.taken_down else ""
        return line + "".join(f"\n  failed: {failure}" for failure in self.failures)

    @property
    def claimed(self) -> int:
        return self.sent + self.retried + self.failed + self.unneeded + self.waiting + self.cancelled + self.withdrawn

    @property
    def rate_limited_until(self) -> datetime | None:
        return max(self.pauses, default=None)

    def add(self, other: Report) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.unneeded += other.unneeded
        self.waiting += other.waiting
        self.cancelled += other.cancelled
        self.taken_down += other.taken_down
        self.withdrawn += other.withdrawn
        self.failures.extend(other.failures)
        self.pauses.extend(other.pauses)


def retry_after_seconds(headers: Any, default: int = 1) -> int:
    """Slack's Retry-After, in whole seconds, from any header mapping (values may be lists)."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0, int(str(raw).strip()))
            except ValueError:
                return default
    return default


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s, … capped at 15 minutes, with up to a second of jitter."""
    seconds = min(5 * 2**attempts, LONGEST_BACKOFF.total_seconds())
    return timedelta(seconds=seconds + random.random())


class Dispatcher:
    def __init__(
        self,
        db: Database,
        client_for_team: ClientForTeam,
        *,
        clock: Clock,
        batch: int = 50,
        uploads: dict[str, UploadMaker] | None = None,
        senders: dict[str, Sender] | None = None,
        lanes: int = 1,
    ) -> None:
        self.db = db
        self.client_for_team = client_for_team
        self.clock = clock
        self.batch = batch
        self.uploads = uploads or {}
        self.senders = senders or {}
        # (workspace, method) -> until when Slack asked us to wait: Slack's limits are per method, so a
        # spent chat.update (Tier 3) holds back no chat.postMessage
        self._paused: dict[tuple[str, str], datetime] = {}
        self._pausing = threading.Lock()
        # Batches a drain sends at once, each from a thread of its own: a row's turn is mostly waiting
        # (the database, then Slack), so one process reaches Slack's limit only with a few in flight.
        self.lanes = lanes

    def run_once(self) -> Report:
        """Claim one batch of due rows and send it (the worker's work: a request sends only its own)."""
        return self._claim_and_send(self.batch)

    def send_rows(self, ids: Sequence[int], *, at_most: int = INLINE) -> Report:
        """Send the rows `ids` (those a request's own transaction wrote) that are due and that nobody else
        holds: at most `at_most` of them, the rest are left to the worker. Nothing else is touched, so a
        person's answer never waits behind another person's messages."""
        if not ids:
            return Report()
        report = self._claim_and_send(at_most, ids=ids)
        left = len(ids) - (report.claimed - report.taken_down)
        if left:  # due later, over `at_most`, paused by a 429, or held by another sender: the worker's now
            log.info("outbox: %d of the %d rows a request wrote are left for the worker", left, len(ids))
        return report

    def _claim_and_send(self, limit: int, ids: Sequence[int] | None = None) -> Report:
        """Claim, and send while a heartbeat keeps the lease: a killed sender's rows are due again within
        `outbox.LEASE`, a slow one's are never taken from it."""
        paused = self._still_paused()
        owner = uuid.uuid4().hex
        claimed = outbox.claim_due(
            self.db,
            now=self.clock(),
            limit=limit,
            ids=None if ids is None else list(ids),
            skip=list(paused),
            owner=owner,
        )
        if not claimed:
            return Report()
        with Heartbeat(self.db, owner, self.clock):
            report = self._send_all(claimed)
        if report.deletions:  # at once, not at the worker's next tick: the post is in a channel right now
            deleting = self._claim_and_send(len(report.deletions), ids=report.deletions)
            report.add(deleting)
            report.taken_down += deleting.claimed
            report.deletions = []
        return report

    def _still_paused(self) -> dict[tuple[str, str], datetime]:
        now = self.clock()
        with self._pausing:
            self._paused = {key: until for key, until in self._paused.items() if until > now}
            return dict(self._paused)

    def _send_all(self, claimed: list[outbox.Claimed]) -> Report:
        report = Report()
        marked: set[int] = set()
        to_call: set[int] = set()
        for number, row in enumerate(claimed):
            key = (row.team_id, row.method)
            until = self._paused_for(key)
            if until is not None:  # this lane's 429, or another lane's
                outbox.mark_retry(self.db, row.id, at=until, error="ratelimited", count_attempt=False)
                report.retried += 1
                continue
            if row.id not in marked:  # the next few rows at once: one commit, not one a row
                ahead = [later.id for later in claimed[number : number + CALLING_AHEAD]]
                to_call |= outbox.mark_calling(self.db, ahead)
                marked.update(ahead)
            if row.id not in to_call:  # taken back since the claim: the row is settled already
                report.withdrawn += 1
                continue
            pause = self._send(row, report)
            if pause is not None:
                with self._pausing:
                    self._paused[key] = max(pause, self._paused.get(key, pause))
                report.pauses.append(pause)
        return report

    def _paused_for(self, key: tuple[str, str]) -> datetime | None:
        with self._pausing:
            until = self._paused.get(key)
        return until if until is not None and until > self.clock() else None

    def drain(self, *, wait_for_rate_limits: float = 0.0, progress: Progress | None = None) -> Report:
        """Send until nothing is due, in `lanes` threads at once. With `wait_for_rate_limits`, wait out
        429s' Retry-After (up to that many seconds in all), each workspace and method as soon as its own
        pause ends; rows backing off after a 5xx stay queued for a later tick. `progress` hears how many
        rows each batch settled (sent, rescheduled or failed)."""
        if self.lanes <= 1:
            return self._drain_lane(wait_for_rate_limits, progress)
        total = Report()
        with ThreadPoolExecutor(max_workers=self.lanes, thread_name_prefix="outbox-lane") as lanes:
            for report in lanes.map(lambda _: self._drain_lane(wait_for_rate_limits, progress), range(self.lanes)):
                total.add(report)
        return total

    def _drain_lane(self, wait_for_rate_limits: float, progress: Progress | None = None) -> Report:
        total = Report()
        deadline = time.monotonic() + wait_for_rate_limits
        pauses: list[datetime] = []
        while True:
            report = self.run_once()
            total.add(report)
            pauses.extend(report.pauses)
            if progress is not None and report.claimed:
                progress(report.sent + report.failed + report.unneeded + report.withdrawn)
            if report.claimed:
                continue
            now = self.clock()
            ahead = [pause for pause in pauses if pause > now]
            if not ahead:
                if not pauses:
                    return total
                pauses = []  # the pauses are over: one more pass sends what they held back
                continue
            delay = (min(ahead) - now).total_seconds()
            if time.monotonic() + delay > deadline:
                return total
            time.sleep(delay + 0.01)

    def _send(self, row: outbox.Claimed, report: Report) -> datetime | None:
        """Send one row; returns a time until which its workspace and method are paused (after a 429)."""
        now = self.clock()
        try:
            client = self.client_for_team(row.team_id, row.enterprise_id)
        except (URLError, HTTPException, OSError, SlackClientError) as error:  # a token could not be refreshed
            self._retry(row, report, now, type(error).__name__)
            return None
        if client is None:
            self._not_installed(row, report, now, "not_installed")
            return None
        try:
            response = self._call(client, row)
        except Gone as error:
            self._fail(row, report, now, f"gone: {error}")
            return None
        except Later as later:
            outbox.mark_retry(self.db, row.id, at=later.at, error="later", count_attempt=False)
            report.retried += 1
            return None
        except NothingToSend as reason:
            outbox.mark_sent(self.db, row.id, now=now, response={"not_sent": str(reason)})
            report.unneeded += 1
            return None
        except ChannelUnavailable as unavailable:
            self._wait_for_channel(row, report, now, unavailable.code)
            return None
        except SlackApiError as error:
            status = error.response.status_code
            if status == 429:
                pause = now + timedelta(seconds=retry_after_seconds(error.response.headers))
                outbox.mark_retry(self.db, row.id, at=pause, error="ratelimited", count_attempt=False)
                report.retried += 1
                log.info("outbox rate limited team=%s key=%s until=%s", row.team_id, row.key, pause.isoformat())
                return pause
            code = str(error.response.get("error") or f"http_{status}")
            if status >= 500 or code in TRANSIENT_ERRORS:
                self._retry(row, report, now, code)
            elif code in TOKEN_GONE:
                self._not_installed(row, report, now, code)
            else:
                self._fail(row, report, now, code)
            return None
        except (URLError, HTTPException, OSError, SlackClientError) as error:
            self._retry(row, report, now, type(error).__name__)
            return None
        report.sent += 1
        if isinstance(response, Recorded):
            return None
        answer = summary(response if isinstance(response, dict) else response.data)
        with self.db.session() as session:
            if outbox.record_sent(session, row.id, now=now, response=answer):
                deletion = _take_down(session, row, answer, now)
                if deletion is not None:
                    report.deletions.append(deletion)
        return None

    def _call(self, client: WebClient, row: outbox.Claimed) -> Any:
        sender = self.senders.get(row.method)
        if sender is not None:
            return sender(client, row)
        if row.method == "chat.postMessage":
            return post_once(client, row.key, row.payload, in_doubt=row.in_doubt)
        make = self.uploads.get(row.method)
        if make is None:
            return client.api_call(row.method, json=row.payload)
        upload = make(row)
        channel = client.conversations_open(users=upload.user)["channel"]["id"]
        return client.files_upload_v2(
            channel=channel,
            content=upload.content,
            filename=upload.filename,
            title=upload.title,
            alt_txt=upload.alt_txt,
        )

    def _retry(self, row: outbox.Claimed, report: Report, now: datetime, code: str) -> None:
        if row.attempts + 1 >= MAX_ATTEMPTS:
            self._fail(row, report, now, f"gave up after {MAX_ATTEMPTS} attempts: {code}")
            return
        outbox.mark_retry(self.db, row.id, at=now + backoff(row.attempts), error=code)
        report.retried += 1
        log.warning("outbox send will be retried team=%s key=%s error=%s", row.team_id, row.key, code)

    def _not_installed(self, row: outbox.Claimed, report: Report, now: datetime, code: str) -> None:
        """No token for the workspace, or Slack refuses it: cancelled if the app was uninstalled there
        (nothing of it is to be sent any more), else a failure worth a look."""
        with self.db.session() as session:
            gone = is_uninstalled(session, team_id=row.team_id)
        if not gone:
            self._fail(row, report, now, code)
            return
        outbox.mark_cancelled(self.db, row.id, now=now, reason=outbox.UNINSTALLED)
        report.cancelled += 1
        log.info("outbox row cancelled team=%s key=%s: the app was uninstalled", row.team_id, row.key)

    def _wait_for_channel(self, row: outbox.Claimed, report: Report, now: datetime, code: str) -> None:
        if row.waiting_since is not None and now - row.waiting_since >= channel.WAIT_AT_MOST:
            days = channel.WAIT_AT_MOST.days
            self._fail(row, report, now, f"gave up: the growth channel was unavailable for {days} days ({code})")
            return
        at = now + channel.TRY_AGAIN_EVERY
        outbox.mark_waiting(self.db, row.id, at=at, error=f"waiting for the growth channel: {code}", now=now)
        report.waiting += 1
        log.warning("outbox row waits for the growth channel team=%s key=%s error=%s", row.team_id, row.key, code)

    def _fail(self, row: outbox.Claimed, report: Report, now: datetime, code: str) -> None:
        outbox.mark_failed(self.db, row.id, now=now, error=code)
        report.failed += 1
        report.failures.append(f"{row.key}: {code}")
        log.warning("outbox send failed team=%s key=%s error=%s", row.team_id, row.key, code)


class Heartbeat:
    """Renews one claim's lease every `outbox.RENEW` from a thread while the sender works on it.

    A thread, not a renewal between rows: one row may take several Slack calls (an in-doubt check, an
    upload's three steps), each up to the client's timeout, longer than a lease."""

    def __init__(self, db: Database, owner: str, clock: Clock) -> None:
        self.db, self.owner, self.clock = db, owner, clock
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{owner[:8]}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._done.wait(outbox.RENEW.total_seconds()):
            try:
                outbox.renew(self.db, [self.owner], now=self.clock())
            except Exception:  # the database is away: the lease may lapse, the in-doubt check covers it
                log.warning("could not renew the outbox lease %s", self.owner, exc_info=True)


def _take_down(session: Session, row: outbox.Claimed, answer: dict[str, Any], now: datetime) -> int | None:
    """The row was taken back while Slack had it (a win made private, a person's data deleted): the
    message it posted is deleted, in the transaction that records it sent. The deletion's row id."""
    deletion = unposting(row.team_id, row.enterprise_id, f"unpost:{row.key}", answer) if row.method in POSTS else None
    if deletion is None:
        return None
    log.info("outbox row %s was taken back while it was being sent: its message is deleted", row.key)
    return outbox.enqueue(session, **asdict(deletion), now=now)


def summary(data: object) -> dict[str, object]:
    """What later work may need from Slack's answer (where the message landed), nothing more."""
    if not isinstance(data, dict):
        return {}
    return {name: data[name] for name in ("channel", "ts", "message_ts") if name in data}


def post_once(client: WebClient, key: str, payload: dict[str, Any], *, in_doubt: bool) -> dict[str, Any]:
    """chat.postMessage that marks the message with the row's key, and that first looks for that mark
    when the row is in doubt (a sender died between Slack's answer and our commit): never twice."""
    channel = str(payload.get("channel") or "")
    if in_doubt and channel:
        found = posted_before(client, channel, key)
        if found is not None:
            log.info("outbox row %s was already posted (ts=%s): not posting again", key, found["ts"])
            return found
    marked = {**payload, "metadata": {"event_type": MARKER, "event_payload": {"key": key}}}
    return client.chat_postMessage(**marked).data  # type: ignore[return-value]


def posted_before(client: WebClient, channel: str, key: str, *, look_back: int = 50) -> dict[str, Any] | None:
    """The message marked with `key` among the channel's latest, as {channel, ts}; None if none is."""
    if channel.startswith(("U", "W")):  # a DM addressed to a user: the conversation's own id is needed
        channel = client.conversations_open(users=channel)["channel"]["id"]
    try:
        history = client.conversations_history(channel=channel, limit=look_back, include_all_metadata=True)
    except SlackApiError as error:
        if error.response.status_code == 429 or error.response.status_code >= 500:
            raise
        # No way to look (a channel without the history scope): post, accepting a possible repeat.
        log.warning("cannot read %s to check for %s (%s)", channel, key, error.response.get("error"))
        return None
    for message in history.get("messages") or []:
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == MARKER and (metadata.get("event_payload") or {}).get("key") == key:
            return {"channel": channel, "ts": message["ts"]}
    return None
