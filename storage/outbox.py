"""The outbox: Slack calls to make later, written in the transaction that caused them.

A row is unique per (team, key), so writing the same intent twice queues it once. Senders claim due
rows with a short lease (on PostgreSQL through `FOR UPDATE SKIP LOCKED`, so several dispatchers share
the work) and renew it while they work (`renew`, every few seconds), so the rows of a sender that was
killed are due again within `LEASE`. A sender marks a row `calling` just before its Slack call; a row
claimed again with that mark is in doubt (Slack may have it), any other claimed row is not.

A row ends sent, failed (Slack said no, or it was withdrawn) or cancelled (the app was uninstalled from
its workspace: never to be sent). A row for a growth channel Trellis cannot post in waits
(`waiting_since`), tried again now and then, until the channel works or the wait is too long.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Update, and_, bindparam, delete, func, or_, select, update
from sqlmodel import Session

from storage.db import Database, insert_many_ignore
from storage.models import OutboxMessage

WITHDRAWN = "withdrawn"  # the last_error of a row taken back before it was sent (not a failure)
UNINSTALLED = "cancelled: the app was uninstalled"  # the last_error of a workspace's cancelled rows
LEASE = timedelta(seconds=10)  # renewed every RENEW while the sender works
RENEW = timedelta(seconds=3)


@dataclass(frozen=True)
class Claimed:
    """A row a sender holds the lease on."""

    id: int
    team_id: str
    enterprise_id: str | None
    key: str
    method: str
    payload: dict[str, Any]
    attempts: int
    in_doubt: bool = False  # an earlier sender took it and never said how it went
    waiting_since: datetime | None = None  # waiting for the growth channel since then


def enqueue(
    session: Session,
    *,
    team_id: str,
    key: str,
    method: str,
    payload: dict[str, Any],
    now: datetime,
    due_at: datetime | None = None,
    enterprise_id: str | None = None,
    subject: str | None = None,
) -> int | None:
    """Queue a Slack call in the caller's transaction, due at `due_at` (default: `now`, the caller's
    clock, never the wall clock). The row's id; None when (team, key) was queued before."""
    row = {"team_id": team_id, "enterprise_id": enterprise_id, "key": key, "method": method, "payload": payload}
    ids = enqueue_many(session, [{**row, "due_at": due_at, "subject": subject}], now=now)
    return ids[0] if ids else None


def enqueue_many(session: Session, rows: Sequence[dict[str, Any]], *, now: datetime) -> list[int]:
    """`enqueue` for many calls in one statement: each row has team_id, enterprise_id, key, method,
    payload, due_at (None: `now`) and optionally subject. The ids of the rows written (the others were
    queued before)."""
    values = []
    for row in rows:
        when = row.get("due_at") or now
        values.append(
            {
                "team_id": row["team_id"],
                "enterprise_id": row.get("enterprise_id"),
                "key": row["key"][:255],
                "subject": row.get("subject"),
                "method": row["method"],
                "payload": json.dumps(row["payload"], ensure_ascii=False, separators=(",", ":")),
                "due_at": when,
                "next_attempt_at": when,
                "attempts": 0,
                "in_doubt": False,
                "created_at": now,
            }
        )
    table = OutboxMessage.__table__
    written = insert_many_ignore(session, table, values, conflict=["team_id", "key"], returning=["id"])  # type: ignore[arg-type]
    return [row.id for row in written]


def claim_due(
    db: Database,
    *,
    now: datetime,
    limit: int,
    skip: Sequence[tuple[str, str]] = (),
    ids: Sequence[int] | None = None,
    owner: str | None = None,
) -> list[Claimed]:
    """Take the lease on up to `limit` due rows, oldest first, and return them. `skip`: the (workspace,
    method) pairs Slack told this sender to wait for (Slack limits each method apart: their rows stay
    for later, the others go now). `ids`: only these rows (a request sends the rows it wrote itself).
    `owner`: the lease's name, for `renew` (default: a new one)."""
    owner = owner or uuid.uuid4().hex
    table = OutboxMessage.__table__
    due = (
        select(table.c.id)
        .where(
            table.c.sent_at.is_(None),
            table.c.failed_at.is_(None),
            table.c.cancelled_at.is_(None),
            table.c.next_attempt_at <= now,
            or_(table.c.lease_until.is_(None), table.c.lease_until < now),
        )
        .order_by(table.c.next_attempt_at, table.c.id)
        .limit(limit)
    )
    for team_id, method in skip:
        due = due.where(or_(table.c.team_id != team_id, table.c.method != method))
    if ids is not None:
        due = due.where(table.c.id.in_(list(ids)))
    if db.is_postgres:
        due = due.with_for_update(skip_locked=True)
    with db.session() as session:
        session.execute(
            update(table)
            .where(
                table.c.id.in_(due.scalar_subquery()),
                or_(table.c.lease_until.is_(None), table.c.lease_until < now),
            )
            .values(lease_owner=owner, lease_until=now + LEASE, in_doubt=or_(table.c.in_doubt, table.c.calling))
            .execution_options(synchronize_session=False)
        )
        rows = session.execute(
            select(table).where(table.c.lease_owner == owner).order_by(table.c.next_attempt_at, table.c.id)
        ).all()
    return [
        Claimed(
            id=row.id,
            team_id=row.team_id,
            enterprise_id=row.enterprise_id,
            key=row.key,
            method=row.method,
            payload=json.loads(row.payload),
            attempts=row.attempts,
            in_doubt=bool(row.in_doubt),
            waiting_since=row.waiting_since,
        )
        for row in rows
    ]


def renew(db: Database, owners: Sequence[str], *, now: datetime) -> None:
    """Extend the leases of `owners` (a sender still at work) to `LEASE` from `now`.

    It runs beside the sender's own updates of the same rows (marking them calling, then finished), so
    on PostgreSQL it skips a row another transaction holds rather than wait for it: waiting, two
    transactions locking the same rows in different orders deadlock. A skipped row is renewed at the
    next beat; it is short of its lease by one beat at most."""
    table = OutboxMessage.__table__
    held = select(table.c.id).where(table.c.lease_owner.in_(list(owners)), *_pending(table))
    if db.is_postgres:
        held = held.with_for_update(skip_locked=True)
    with db.session() as session:
        session.execute(
            update(table)
            .where(table.c.id.in_(held.scalar_subquery()))
            .values(lease_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )


def mark_calling(db: Database, row_ids: Sequence[int]) -> set[int]:
    """The sender is about to call Slack for these rows: if it is never heard of again, they are in doubt
    (each is marked off again when it is finished). Returns the rows to call Slack for: one taken back
    since it was claimed (withdrawn, or deleted with its person's data) is not marked, and is not sent.

    A sender claims a batch and calls Slack for one row after another, so without this a win made
    private while the rows before its post were sent would be posted, and deleted a moment later
    (`record_sent`): a moment in which the channel sees it, and may be notified of it. The update takes
    the rows' locks (PostgreSQL) or the one writer's turn (SQLite): a withdrawal is either seen here, or
    comes after it and finds the row not sent, and then `record_sent` finds it withdrawn."""
    table = OutboxMessage.__table__
    with db.session() as session:
        # Only the ids in the WHERE: with the pending conditions there too, PostgreSQL read the partial
        # index of pending rows (the whole week's, at a fan-out) instead of the primary key's few entries.
        marked = session.execute(
            update(table)
            .where(table.c.id.in_(list(row_ids)))
            .values(calling=and_(*_pending(table)))
            .returning(table.c.id, table.c.calling)
        )
        return {row.id for row in marked if row.calling}


def _finish(db: Database, row_id: int, **values: Any) -> None:
    with db.session() as session:
        session.execute(_finishing(row_id, **values))


def _finishing(row_id: int, **values: Any) -> Update:
    """The statement that settles a row a sender held (one already sent stays as it is)."""
    table = OutboxMessage.__table__
    return (
        update(table)
        .where(and_(table.c.id == row_id, table.c.sent_at.is_(None)))
        .values(lease_owner=None, lease_until=None, calling=False, **values)
    )


def mark_sent(db: Database, row_id: int, *, now: datetime, response: dict[str, Any] | None = None) -> bool:
    """Record that Slack has the call; True when it was taken back meanwhile (`record_sent`)."""
    with db.session() as session:
        return record_sent(session, row_id, now=now, response=response)


def record_sent(session: Session, row_id: int, *, now: datetime, response: dict[str, Any] | None = None) -> bool:
    """`mark_sent` in the caller's transaction: a sender that records what the send changed marks the
    row in the same commit.

    True when the row was taken back while Slack had it: withdrawn (`withdraw`), or deleted with its
    person's data (`delete_rows`, the only deletion of a row not yet sent). What Slack made of it is then
    the caller's to undo. The update takes the row's lock (PostgreSQL) or the one writer's turn (SQLite),
    so of this and a `withdraw` or `delete_rows` of the same row, the later one sees what the first did:
    either the withdrawal finds the row sent, with where Slack put it, or this finds it withdrawn."""
    answer = json.dumps(response) if response is not None else None
    table = OutboxMessage.__table__
    settled = session.execute(
        _finishing(row_id, sent_at=now, waiting_since=None, response=answer).returning(
            table.c.failed_at, table.c.last_error
        )
    ).first()
    if settled is not None:
        return settled.failed_at is not None and settled.last_error == WITHDRAWN
    return session.execute(select(table.c.id).where(table.c.id == row_id)).first() is None


def mark_retry(db: Database, row_id: int, *, at: datetime, error: str, count_attempt: bool = True) -> None:
    """Release the lease and make the row due again at `at`."""
    table = OutboxMessage.__table__
    values: dict[str, Any] = {"next_attempt_at": at, "last_error": error[:255]}
    if count_attempt:
        values["attempts"] = table.c.attempts + 1
    _finish(db, row_id, **values)


def mark_waiting(db: Database, row_id: int, *, at: datetime, error: str, now: datetime) -> None:
    """The row's channel cannot be posted in yet: try again at `at`, without counting an attempt, and
    remember since when it has been waiting (the first time only)."""
    table = OutboxMessage.__table__
    since = func.coalesce(table.c.waiting_since, now)
    _finish(db, row_id, next_attempt_at=at, last_error=error[:255], waiting_since=since)


def release_waiting(session: Session, *, team_id: str, now: datetime) -> int:
    """The workspace's growth channel works again: its waiting rows are due now. How many."""
    table = OutboxMessage.__table__
    return session.execute(
        update(table)
        .where(table.c.team_id == team_id, table.c.waiting_since.is_not(None), *_pending(table))
        .values(next_attempt_at=now)
    ).rowcount


def cancel_workspace(session: Session, *, team_id: str, now: datetime, reason: str) -> int:
    """Stop every row of the workspace still to be sent (a sender holding one finds it cancelled when it
    is done: a call already made is recorded as sent). How many were stopped."""
    table = OutboxMessage.__table__
    return session.execute(
        update(table)
        .where(table.c.team_id == team_id, *_pending(table))
        .values(cancelled_at=now, last_error=reason[:255], lease_owner=None, lease_until=None)
    ).rowcount


def mark_cancelled(db: Database, row_id: int, *, now: datetime, reason: str) -> None:
    _finish(db, row_id, cancelled_at=now, last_error=reason[:255])


def mark_failed(db: Database, row_id: int, *, now: datetime, error: str) -> None:
    """Give up on a row: Slack said no in a way that retrying will not change."""
    table = OutboxMessage.__table__
    _finish(db, row_id, failed_at=now, last_error=error[:255], attempts=table.c.attempts + 1)


def _pending(table: Any) -> tuple[Any, ...]:
    """Still to be sent: neither sent, failed nor cancelled."""
    return (table.c.sent_at.is_(None), table.c.failed_at.is_(None), table.c.cancelled_at.is_(None))


def pending_count(session: Session, *, team_id: str | None = None) -> int:
    table = OutboxMessage.__table__
    query = select(func.count()).where(*_pending(table))
    if team_id is not None:
        query = query.where(table.c.team_id == team_id)
    return session.execute(query).scalar_one()


@dataclass(frozen=True)
class States:
    """How many rows are in each state that is not plain "sent"."""

    queued: int
    waiting: int  # for the growth channel
    failed: int
    cancelled: int

    def summary(self) -> str:
        return (
            f"{self.queued} queued ({self.waiting} waiting for the growth channel), "
            f"{self.failed} failed, {self.cancelled} cancelled"
        )


def states(session: Session) -> States:
    table = OutboxMessage.__table__
    row = session.execute(
        select(
            func.count().filter(*_pending(table)),
            func.count().filter(table.c.waiting_since.is_not(None), *_pending(table)),
            func.count().filter(table.c.failed_at.is_not(None), table.c.last_error != WITHDRAWN),
            func.count().filter(table.c.cancelled_at.is_not(None)),
        )
    ).one()
    return States(*row)


def due_count(session: Session, *, now: datetime) -> int:
    """Rows a drain would send now: still to be sent, and due (a progress bar's total)."""
    table = OutboxMessage.__table__
    query = select(func.count()).where(*_pending(table), table.c.next_attempt_at <= now)
    return session.execute(query).scalar_one()


def withdraw(session: Session, *, team_id: str, subject: str, now: datetime) -> list[dict[str, Any]]:
    """Take back the calls queued about `subject`: none of them is sent (again), and for those already sent
    Slack's answer (channel, ts) comes back, so the caller can undo them. Marked failed as "withdrawn".

    One statement that reads what it changes: it waits for a sender recording one of these rows, and
    then sees its answer; a sender that records a row after this finds it withdrawn (`record_sent`), and
    undoes the call itself. Each post is undone once, by one of the two."""
    rows = session.execute(_WITHDRAW, {"of_team": team_id, "of_subject": subject, "at": now}).all()
    return [json.loads(row.response) for row in rows if row.sent_at is not None and row.response]


@dataclass(frozen=True)
class Found:
    id: int
    key: str
    response: dict[str, Any] | None  # where Slack put it, once sent


def matching(
    session: Session,
    *,
    team_id: str,
    keys: Sequence[str] = (),
    prefixes: Sequence[str] = (),
    families: Mapping[str, Collection[int]] | None = None,
    mentioning: str = "",
) -> list[Found]:
    """The workspace's rows (in any state) whose key is one of `keys`, starts with one of `prefixes`, or
    is of a family in `families` (a key prefix such as "win-post:") followed by one of its ids and a colon;
    or whose payload names `mentioning` (a Slack id, as a JSON string).

    A family is one query, and its ids are matched here: a person with years of wins has thousands of
    them, and a statement holding a condition for each took seconds to plan."""
    table = OutboxMessage.__table__
    ours = table.c.team_id == team_id
    rows = select(table.c.id, table.c.key)
    # Each query, with the family whose keys must name one of its ids (None: every row it finds).
    candidates: list[tuple[Any, tuple[str, set[str]] | None]] = []
    for i in range(0, len(keys), 500):
        candidates.append((rows.where(ours, table.c.key.in_(list(keys[i : i + 500]))), None))
    for prefix in prefixes:
        candidates.append((rows.where(ours, *_starting(table, prefix)), None))
    for family, ids in (families or {}).items():
        if ids:
            candidates.append((rows.where(ours, *_starting(table, family)), (family, {str(one) for one in ids})))
    if mentioning:
        candidates.append((rows.where(ours, table.c.payload.contains(json.dumps(mentioning), autoescape=True)), None))
    chosen: set[int] = set()
    for query, family in candidates:
        for row in session.execute(query).all():
            if family is None or row.key[len(family[0]) :].split(":", 1)[0] in family[1]:
                chosen.add(row.id)
    found = []
    listed = sorted(chosen)
    for i in range(0, len(listed), 500):
        for row in session.execute(
            select(table.c.id, table.c.key, table.c.sent_at, table.c.response).where(
                table.c.id.in_(listed[i : i + 500])
            )
        ).all():
            response = json.loads(row.response) if row.sent_at is not None and row.response else None
            found.append(Found(row.id, row.key, response))
    return found


def _starting(table: Any, prefix: str) -> tuple[Any, ...]:
    """`key` starts with `prefix`. LIKE, not a range of keys: under a linguistic collation (en_US, ICU:
    common defaults of a managed PostgreSQL) punctuation sorts apart from the characters around it, so
    'win-post:12:1' does not fall between 'win-post:' and 'win-post;', and a range finds nothing. It
    reads the workspace's part of the (team, key) index, once per prefix."""
    return (table.c.key.startswith(prefix, autoescape=True),)


def delete_rows(session: Session, ids: Sequence[int]) -> list[Found]:
    """Forget rows altogether (their payloads held someone's words); what each was (where Slack put it,
    if sent) comes back, read by the delete itself: a sender that recorded one a moment before is seen,
    and one that records one after finds it gone (`record_sent`)."""
    table = OutboxMessage.__table__
    removed: list[Found] = []
    for i in range(0, len(ids), 500):
        for row in session.execute(
            delete(table)
            .where(table.c.id.in_(list(ids[i : i + 500])))
            .returning(table.c.id, table.c.key, table.c.sent_at, table.c.response)
        ).all():
            answer = json.loads(row.response) if row.sent_at is not None and row.response else None
            removed.append(Found(row.id, row.key, answer))
    return removed


def forget_sent(db: Database, *, before: datetime, prefixes: Sequence[str], batch: int = 2000) -> int:
    """Delete the rows sent before `before` whose key starts with one of `prefixes`, `batch` to a
    transaction, walking the table by id: a first pruning of a year's rows holds no lock for long, and
    reads each row once. How many were deleted."""
    table = OutboxMessage.__table__
    old = or_(*(and_(*_starting(table, prefix)) for prefix in prefixes))
    removed, after = 0, 0
    while True:
        with db.session() as session:
            ids = (
                session.execute(
                    select(table.c.id)
                    .where(table.c.id > after, table.c.sent_at < before, old)
                    .order_by(table.c.id)
                    .limit(batch)
                )
                .scalars()
                .all()
            )
            if not ids:
                return removed
            removed += session.execute(delete(table).where(table.c.id.in_(ids))).rowcount
        after = ids[-1]


_TABLE = OutboxMessage.__table__
# A change to a win finds its posts an index away (ix_outbox_team_subject); built once.
_WITHDRAW = (
    update(_TABLE)
    .where(
        _TABLE.c.team_id == bindparam("of_team"),
        _TABLE.c.subject == bindparam("of_subject"),
        _TABLE.c.failed_at.is_(None),
        _TABLE.c.cancelled_at.is_(None),
    )
    .values(failed_at=bindparam("at"), last_error=WITHDRAWN, lease_owner=None, lease_until=None)
    .returning(_TABLE.c.sent_at, _TABLE.c.response)
)
