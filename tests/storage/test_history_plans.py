"""Statements that run every minute or on every request read through indexes that history does not grow
(migration 0028): each is run as the code runs it, on both databases, and its plan is read back."""

from __future__ import annotations

from datetime import UTC, datetime

from growth.checkins import add_reply
from growth.checkins.tick import due_digests
from growth.feedback.closing import due_to_close
from growth.people import known_person
from storage.db import Database
from tests.plans import plan, scans, statements_run

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _plans(db: Database, run: object) -> list[str]:
    with statements_run(db) as ran, db.session() as session:
        run(session)  # type: ignore[operator]
    assert ran, "the statement was run"
    return [plan(db, statement, parameters) for statement, parameters in ran]


def test_the_feedback_job_reads_only_the_open_rounds_due(db: Database) -> None:
    (found,) = _plans(db, lambda session: due_to_close(session, now=NOW))
    assert "ix_feedback_rounds_status_due_at" in found and not scans(found, "feedback_rounds"), found


def test_the_digest_tick_reads_only_the_confirmed_links(db: Database) -> None:
    found = "\n".join(_plans(db, lambda session: due_digests(session, now=NOW)))
    assert "ix_manager_links_status_manager_id" in found and not scans(found, "manager_links"), found


def test_each_requests_person_reads_its_workspaces_newest_version_an_index_away(db: Database) -> None:
    (found,) = _plans(
        db, lambda session: known_person(session, team_id="T1", user_id="U1", enterprise_id=None, now=NOW)
    )
    assert "ix_framework_versions_team_id_id" in found, found
    assert "ix_framework_versions_team_id_imported_at" in found, found
    assert "framework_versions_pkey" not in found and not scans(found, "framework_versions"), found


def test_a_reply_in_a_check_in_thread_is_found_among_its_authors_weeks(db: Database) -> None:
    (found,) = _plans(
        db,
        lambda session: add_reply(
            session, team_id="T1", user_id="U1", channel="D1", thread_ts="1.0001", text="more", now=NOW
        ),
    )
    assert "ix_checkins_person_id" in found and not scans(found, "checkins"), found
