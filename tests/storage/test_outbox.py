import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select

from storage import migrate, outbox
from storage.db import Database
from storage.models import OutboxMessage
from tests.databases import postgres_server, temporary_postgres
from tests.plans import plan, scans, statements_run

NOW = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
T = TypeVar("T")


def _queue(db: Database, key: str, *, team: str = "T1", due: datetime = NOW) -> bool:
    with db.session() as session:
        return outbox.enqueue(
            session,
            team_id=team,
            key=key,
            method="chat.postMessage",
            payload={"channel": "U1", "text": key},
            now=NOW,
            due_at=due,
        )


def test_the_same_key_is_queued_once_per_workspace(db: Database) -> None:
    assert _queue(db, "checkin:U1:2026-W48")
    assert not _queue(db, "checkin:U1:2026-W48")
    assert _queue(db, "checkin:U1:2026-W48", team="T2")
    with db.session() as session:
        assert outbox.pending_count(session) == 2


def test_a_row_is_queued_in_the_callers_transaction(db: Database) -> None:
    try:
        with db.session() as session:
            outbox.enqueue(session, team_id="T1", key="k", method="chat.postMessage", payload={}, now=NOW)
            raise RuntimeError("the change that caused it failed")
    except RuntimeError:
        pass
    with db.session() as session:
        assert outbox.pending_count(session) == 0


def test_only_due_rows_are_claimed_oldest_first(db: Database) -> None:
    _queue(db, "later", due=NOW + timedelta(hours=1))
    _queue(db, "second", due=NOW - timedelta(minutes=1))
    _queue(db, "first", due=NOW - timedelta(minutes=5))
    claimed = outbox.claim_due(db, now=NOW, limit=10)
    assert [row.key for row in claimed] == ["first", "second"]
    assert claimed[0].payload == {"channel": "U1", "text": "first"}


def test_a_claimed_row_is_not_claimed_again_until_its_lease_ends(db: Database) -> None:
    _queue(db, "k")
    assert len(outbox.claim_due(db, now=NOW, limit=10)) == 1
    assert outbox.claim_due(db, now=NOW + outbox.LEASE - timedelta(seconds=1), limit=10) == []
    again = outbox.claim_due(db, now=NOW + outbox.LEASE + timedelta(seconds=1), limit=10)
    assert [row.key for row in again] == ["k"]
    assert not again[0].in_doubt, "its sender never began the call: nothing to look for"


def test_a_renewed_lease_holds_while_its_sender_works(db: Database) -> None:
    _queue(db, "k")
    (held,) = outbox.claim_due(db, now=NOW, limit=10, owner="worker-1")
    later = NOW + outbox.LEASE - timedelta(seconds=1)
    outbox.renew(db, ["worker-1"], now=later)
    assert outbox.claim_due(db, now=later + timedelta(seconds=5), limit=10) == [], "renewed"
    outbox.renew(db, ["someone-else"], now=later + outbox.LEASE)
    taken = outbox.claim_due(db, now=later + outbox.LEASE + timedelta(seconds=1), limit=10)
    assert [row.id for row in taken] == [held.id], "no renewal: taken over once the lease lapses"


def test_only_a_row_whose_call_had_begun_comes_back_in_doubt(db: Database) -> None:
    _queue(db, "called")
    _queue(db, "waiting")
    claimed = {row.key: row for row in outbox.claim_due(db, now=NOW, limit=10)}
    outbox.mark_calling(db, [claimed["called"].id])  # then the sender died
    again = {row.key: row.in_doubt for row in outbox.claim_due(db, now=NOW + 2 * outbox.LEASE, limit=10)}
    assert again == {"called": True, "waiting": False}
    outbox.mark_retry(db, claimed["called"].id, at=NOW, error="internal_error")
    (retried,) = outbox.claim_due(db, now=NOW + 4 * outbox.LEASE, limit=10, ids=[claimed["called"].id])
    assert retried.in_doubt, "still in doubt until it is known to be sent"


def test_sent_and_failed_rows_are_never_claimed(db: Database) -> None:
    _queue(db, "sent")
    _queue(db, "failed")
    for row in outbox.claim_due(db, now=NOW, limit=10):
        if row.key == "sent":
            outbox.mark_sent(db, row.id, now=NOW, response={"ts": "1.2"})
        else:
            outbox.mark_failed(db, row.id, now=NOW, error="user_not_found")
    assert outbox.claim_due(db, now=NOW + timedelta(days=1), limit=10) == []
    with db.session() as session:
        assert outbox.pending_count(session) == 0


def test_a_claim_and_its_heartbeat_read_only_the_pending_and_leased_rows(db: Database) -> None:
    """Sent rows are kept for weeks, some for good: the statements a sender runs again and again must be
    served by the partial indexes of the rows still to be sent and of the rows leased (migration 0027),
    never by a scan of the table or of an index over every row. Each statement is explained as it ran."""
    for n in range(3):
        _queue(db, f"k{n}")
    with statements_run(db) as ran:
        outbox.claim_due(db, now=NOW, limit=2, owner="worker-1")
        outbox.renew(db, ["worker-1"], now=NOW)
    claim, read_back, heartbeat = ran
    assert "UPDATE outbox" in claim[0] and "lease_owner" in read_back[0] and "lease_owner IN" in heartbeat[0]
    plans = [plan(db, statement, parameters) for statement, parameters in ran]
    assert "ix_outbox_pending" in plans[0], plans[0]
    assert "ix_outbox_leased" in plans[1], plans[1]
    assert "ix_outbox_leased" in plans[2] or "ix_outbox_pending" in plans[2], plans[2]
    assert not any(scans(each, "outbox") for each in plans), plans


def test_rows_sent_before_a_time_are_forgotten_by_family_a_batch_at_a_time(db: Database) -> None:
    for key in ("checkin:1:2026-W40", "checkin:2:2026-W40", "digest:3:2026-W40", "win-post:9:1", "checkin:3:2026-W40"):
        _queue(db, key)
    _queue(db, "checkin:4:2026-W40")  # never sent: still to be sent, however old
    _queue(db, "checkin:5:2026-W40")  # failed: kept, for `trellis jobs run` to count
    rows = {row.key: row.id for row in outbox.claim_due(db, now=NOW, limit=10)}
    for key, row_id in rows.items():
        if key == "checkin:5:2026-W40":
            outbox.mark_failed(db, row_id, now=NOW, error="user_not_found")
        elif key != "checkin:4:2026-W40":
            outbox.mark_sent(db, row_id, now=NOW - timedelta(hours=1) if key == "checkin:3:2026-W40" else NOW)
    week_41 = _queue(db, "checkin:1:2026-W41")
    (later,) = outbox.claim_due(db, now=NOW + timedelta(hours=1), limit=10, ids=[int(week_41)])
    outbox.mark_sent(db, later.id, now=NOW + timedelta(hours=1))  # sent after the time: kept
    removed = outbox.forget_sent(db, before=NOW + timedelta(minutes=1), prefixes=["checkin:", "digest:"], batch=2)
    assert removed == 4
    with db.session() as session:
        kept = set(session.execute(select(OutboxMessage.key)).scalars())  # type: ignore[call-overload]
    assert kept == {"win-post:9:1", "checkin:4:2026-W40", "checkin:5:2026-W40", "checkin:1:2026-W41"}
    assert not _queue(db, "checkin:4:2026-W40") and _queue(db, "checkin:1:2026-W40"), "only forgotten keys are free"


def test_a_retried_row_comes_back_at_its_time(db: Database) -> None:
    _queue(db, "k")
    (row,) = outbox.claim_due(db, now=NOW, limit=1)
    outbox.mark_retry(db, row.id, at=NOW + timedelta(seconds=20), error="internal_error")
    assert outbox.claim_due(db, now=NOW + timedelta(seconds=19), limit=1) == []
    (again,) = outbox.claim_due(db, now=NOW + timedelta(seconds=20), limit=1)
    assert again.attempts == 1


def test_concurrent_claimers_never_share_a_row(db: Database) -> None:
    for n in range(60):
        _queue(db, f"k{n}")
    claimed: list[list[str]] = []
    lock = threading.Lock()

    def claim() -> None:
        rows = outbox.claim_due(db, now=NOW, limit=15)
        with lock:
            claimed.append([row.key for row in rows])

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = [key for batch in claimed for key in batch]
    assert len(keys) == len(set(keys))
    assert len(keys) == 60


def test_renewing_a_lease_never_waits_for_the_senders_own_updates(db: Database) -> None:
    """The heartbeat runs beside the sender's updates of the same rows; waiting on them could deadlock
    (two transactions locking rows in different orders), so on PostgreSQL a held row is skipped."""
    _queue(db, "held")
    _queue(db, "free")
    claimed = {row.key: row for row in outbox.claim_due(db, now=NOW, limit=10, owner="worker-1")}
    table = OutboxMessage.__table__
    beat = NOW + timedelta(seconds=5)
    if db.is_postgres:
        with db.engine.connect() as other, other.begin():
            other.execute(select(table.c.id).where(table.c.id == claimed["held"].id).with_for_update())
            renewing = threading.Thread(target=outbox.renew, args=(db, ["worker-1"]), kwargs={"now": beat})
            renewing.start()
            renewing.join(timeout=10)
            assert not renewing.is_alive(), "it waited for the held row"
    else:
        outbox.renew(db, ["worker-1"], now=beat)  # one writer at a time: nothing is held
    with db.session() as session:
        leases = dict(session.execute(select(table.c.key, table.c.lease_until)).all())
    assert leases["free"] == beat + outbox.LEASE
    expected = NOW + outbox.LEASE if db.is_postgres else beat + outbox.LEASE
    assert leases["held"] == expected, "a held row is skipped this beat; the next one renews it"


def test_cancelling_a_workspace_stops_only_its_rows_still_to_be_sent(db: Database) -> None:
    _queue(db, "sent")
    (sent,) = outbox.claim_due(db, now=NOW, limit=1)
    outbox.mark_sent(db, sent.id, now=NOW, response={"ts": "1.2"})
    _queue(db, "queued")
    _queue(db, "later", due=NOW + timedelta(days=3))
    _queue(db, "elsewhere", team="T2")
    with db.session() as session:
        assert outbox.cancel_workspace(session, team_id="T1", now=NOW, reason=outbox.UNINSTALLED) == 2
    assert [row.key for row in outbox.claim_due(db, now=NOW + timedelta(days=4), limit=10)] == ["elsewhere"]
    with db.session() as session:
        rows = {row.key: row for row in session.exec(select(OutboxMessage)).scalars()}
        assert outbox.states(session) == outbox.States(queued=1, waiting=0, failed=0, cancelled=2)
    assert rows["queued"].cancelled_at == NOW and rows["queued"].last_error == outbox.UNINSTALLED
    assert rows["queued"].failed_at is None and rows["queued"].attempts == 0, "cancelled, not failed"
    assert rows["sent"].cancelled_at is None


def test_a_waiting_row_keeps_the_time_it_began_waiting_and_goes_when_released(db: Database) -> None:
    _queue(db, "post")
    (row,) = outbox.claim_due(db, now=NOW, limit=1)
    outbox.mark_waiting(db, row.id, at=NOW + timedelta(minutes=10), error="waiting: not_in_channel", now=NOW)
    (again,) = outbox.claim_due(db, now=NOW + timedelta(minutes=10), limit=1)
    assert again.waiting_since == NOW and again.attempts == 0
    later = NOW + timedelta(minutes=20)
    outbox.mark_waiting(db, again.id, at=later + timedelta(minutes=10), error="waiting: not_in_channel", now=later)
    with db.session() as session:
        assert outbox.states(session).waiting == 1
        assert outbox.release_waiting(session, team_id="T2", now=later) == 0
        assert outbox.release_waiting(session, team_id="T1", now=later) == 1
    (released,) = outbox.claim_due(db, now=later, limit=1)
    assert released.waiting_since == NOW, "the wait is counted from its first failure"
    outbox.mark_sent(db, released.id, now=later, response={"ts": "1.3"})
    with db.session() as session:
        assert outbox.states(session) == outbox.States(queued=0, waiting=0, failed=0, cancelled=0)


def test_rows_about_someone_are_found_by_key_prefix_or_by_their_id_in_the_payload(db: Database) -> None:
    for key in ("ask:1", "ask:10", "win-post:7:123", "win-post:70:1", "other"):
        _queue(db, key)
    with db.session() as session:
        outbox.enqueue(
            session,
            team_id="T1",
            key="dm",
            method="chat.postMessage",
            payload={"channel": "U0MAYA", "text": "x"},
            now=NOW,
        )
        found = outbox.matching(
            session, team_id="T1", keys=["ask:1"], families={"win-post:": [7], "room-win:": []}, mentioning="U0MAYA"
        )
        assert sorted(row.key for row in found) == ["ask:1", "dm", "win-post:7:123"]
        assert outbox.matching(session, team_id="T1", prefixes=["win-post:70:"])[0].key == "win-post:70:1"
        assert len(outbox.delete_rows(session, [row.id for row in found])) == 3
        assert outbox.matching(session, team_id="T1") == []
        assert sorted(r.key for r in session.exec(select(OutboxMessage)).scalars()) == [
            "ask:10",
            "other",
            "win-post:70:1",
        ]


def test_rows_are_found_by_their_key_prefix_under_a_linguistic_collation(postgres_url: str) -> None:
    """Managed PostgreSQL often defaults to en_US or ICU collation, where ':' sorts apart from the
    letters around it: a person's rows must be found there too (deleting their data depends on it)."""
    icu = "LOCALE_PROVIDER icu ICU_LOCALE 'en' LOCALE 'C.UTF-8' TEMPLATE template0"
    with temporary_postgres(postgres_server(), options=icu) as url:
        db = Database.from_url(url)
        migrate.upgrade(db)
        for key in ("win-post:7:123", "win-post:70:1", "checkin:5:2026-W48", "checkin:50:2026-W48", "other"):
            _queue(db, key)
        with db.session() as session:
            found = outbox.matching(session, team_id="T1", prefixes=["checkin:5:"], families={"win-post:": [7]})
        db.dispose()
    assert sorted(row.key for row in found) == ["checkin:5:2026-W48", "win-post:7:123"]


def _post_about(db: Database, key: str, subject: str = "win:7") -> outbox.Claimed:
    with db.session() as session:
        outbox.enqueue(session, team_id="T1", key=key, method="chat.postMessage", payload={}, now=NOW, subject=subject)
    (claimed,) = outbox.claim_due(db, now=NOW, limit=1)
    return claimed


def test_a_row_taken_back_while_slack_had_it_says_so_when_it_is_recorded(db: Database) -> None:
    """Withdrawn, or deleted with its person's data, between the claim and Slack's answer: the sender
    learns it from the record, and the post is its to undo."""
    plain = _post_about(db, "plain", subject="win:1")
    assert outbox.mark_sent(db, plain.id, now=NOW, response={"channel": "C1", "ts": "1.1"}) is False

    withdrawn = _post_about(db, "withdrawn")
    with db.session() as session:
        assert outbox.withdraw(session, team_id="T1", subject="win:7", now=NOW) == [], "not sent yet"
    assert outbox.mark_sent(db, withdrawn.id, now=NOW, response={"channel": "C1", "ts": "1.2"}) is True
    with db.session() as session:
        again = outbox.withdraw(session, team_id="T1", subject="win:7", now=NOW)
    assert again == [], "its undo is the sender's: never a second one"

    forgotten = _post_about(db, "forgotten", subject="win:9")
    with db.session() as session:
        (removed,) = outbox.delete_rows(session, [forgotten.id])
    assert (removed.key, removed.response) == ("forgotten", None)
    assert outbox.mark_sent(db, forgotten.id, now=NOW, response={"channel": "C1", "ts": "1.3"}) is True


def test_a_row_taken_back_before_its_call_is_not_marked_calling_and_not_called(db: Database) -> None:
    """Withdrawn, or deleted with its person's data, between the claim and the call: the sender is told
    to leave it out; the rest of the batch goes on."""
    with db.session() as session:
        for key, subject in (("kept", "win:1"), ("withdrawn", "win:7"), ("forgotten", "win:9")):
            outbox.enqueue(
                session, team_id="T1", key=key, method="chat.postMessage", payload={}, now=NOW, subject=subject
            )
    claimed = {row.key: row.id for row in outbox.claim_due(db, now=NOW, limit=10)}
    with db.session() as session:
        outbox.withdraw(session, team_id="T1", subject="win:7", now=NOW)
        outbox.delete_rows(session, [claimed["forgotten"]])
    assert outbox.mark_calling(db, list(claimed.values())) == {claimed["kept"]}
    again = outbox.claim_due(db, now=NOW + 2 * outbox.LEASE, limit=10)
    assert [(row.key, row.in_doubt) for row in again] == [("kept", True)], "only the row called is in doubt"


def _in_thread(work: Callable[[], T]) -> tuple[threading.Thread, list[T]]:
    done: list[T] = []
    thread = threading.Thread(target=lambda: done.append(work()))
    thread.start()
    return thread, done


def test_a_withdrawal_waits_for_a_sender_recording_the_row_and_finds_where_it_went(db: Database) -> None:
    row = _post_about(db, "post")
    with db.session() as sender:
        assert outbox.record_sent(sender, row.id, now=NOW, response={"channel": "C1", "ts": "1.2"}) is False

        def withdraw() -> list[dict[str, Any]]:
            with db.session() as session:
                return outbox.withdraw(session, team_id="T1", subject="win:7", now=NOW)

        withdrawing, found = _in_thread(withdraw)
        withdrawing.join(timeout=1)
        assert withdrawing.is_alive(), "it read the row before the sender's commit"
    withdrawing.join(timeout=30)
    assert found == [[{"channel": "C1", "ts": "1.2"}]]


def test_a_sender_recording_after_a_withdrawal_waits_for_it_and_finds_the_row_withdrawn(db: Database) -> None:
    row = _post_about(db, "post")
    with db.session() as session:
        assert outbox.withdraw(session, team_id="T1", subject="win:7", now=NOW) == []
        recording, taken_back = _in_thread(
            lambda: outbox.mark_sent(db, row.id, now=NOW, response={"channel": "C1", "ts": "1.2"})
        )
        recording.join(timeout=1)
        assert recording.is_alive(), "it recorded the row before the withdrawal's commit"
    recording.join(timeout=30)
    assert taken_back == [True]


def test_deleting_a_persons_rows_waits_for_a_sender_recording_one_and_finds_where_it_went(db: Database) -> None:
    row = _post_about(db, "post")
    with db.session() as sender:
        outbox.record_sent(sender, row.id, now=NOW, response={"channel": "C1", "ts": "1.2"})

        def forget() -> list[outbox.Found]:
            with db.session() as session:
                return outbox.delete_rows(session, [row.id])

        forgetting, removed = _in_thread(forget)
        forgetting.join(timeout=1)
        assert forgetting.is_alive(), "it deleted the row before the sender's commit"
    forgetting.join(timeout=30)
    assert removed == [[outbox.Found(row.id, "post", {"channel": "C1", "ts": "1.2"})]]
