import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, literal, select

from growth.frameworks import versions
from growth.frameworks.model import Framework
from growth.frameworks.shipped import shipped
from growth.frameworks.versions import by_id, catalogue, current, history, import_framework
from storage import migrate
from storage.db import Database
from tests.databases import postgres_server, temporary_postgres

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_importing_the_same_content_twice_stores_it_once(db: Database) -> None:
    framework = shipped()[0]
    with db.session() as session:
        first = import_framework(session, team_id="T1", framework=framework, source="a.yaml", now=NOW)
        again = import_framework(session, team_id="T1", framework=framework, source="b.yaml", now=NOW)
    assert first.changed and not again.changed
    assert first.stored.revision == again.stored.revision == 1


def test_a_changed_framework_becomes_a_new_revision_and_history_is_kept(db: Database) -> None:
    framework = shipped()[0]
    changed = replace(framework, version="2026.2", title="Software Engineering, revised")
    with db.session() as session:
        old = import_framework(session, team_id="T1", framework=framework, source="v1.yaml", now=NOW).stored
        new = import_framework(session, team_id="T1", framework=changed, source="v2.yaml", now=NOW).stored
    assert (old.revision, new.revision) == (1, 2)
    with db.session() as session:
        assert [item.framework.version for item in current(session, team_id="T1")] == ["2026.2"]
        assert by_id(session, team_id="T1", version_id=old.id).framework == framework
        assert [(row.revision, row.source) for row in history(session, team_id="T1")] == [
            (1, "v1.yaml"),
            (2, "v2.yaml"),
        ]


def test_a_workspace_never_sees_another_workspaces_versions(db: Database) -> None:
    with db.session() as session:
        stored = import_framework(session, team_id="T1", framework=shipped()[0], source="x", now=NOW).stored
    with db.session() as session:
        assert current(session, team_id="T2") == []
        assert by_id(session, team_id="T2", version_id=stored.id) is None


def test_the_catalogue_starts_a_workspace_on_the_defaults_once(db: Database) -> None:
    with db.session() as session:
        first, stored = catalogue(session, team_id="T1", defaults=shipped(), source="shipped", now=NOW)
    with db.session() as session:
        second, again = catalogue(session, team_id="T1", defaults=shipped(), source="shipped", now=NOW)
        assert len(history(session, team_id="T1")) == 3
    assert sorted(first.frameworks) == sorted(second.frameworks) == sorted(f.name for f in shipped())
    assert {name: item.id for name, item in stored.items()} == {name: item.id for name, item in again.items()}


def test_two_first_requests_of_a_new_workspace_import_the_defaults_once(db: Database) -> None:
    """Two sessions start the same workspace at once; neither fails, and each framework is stored once."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def start() -> None:
        try:
            with db.session() as session:
                barrier.wait(timeout=5)
                catalogue(session, team_id="T1", defaults=shipped(), source="shipped", now=NOW)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session() as session:
        assert sorted((row.name, row.revision) for row in history(session, team_id="T1")) == sorted(
            (framework.name, 1) for framework in shipped()
        )


def test_the_current_frameworks_are_parsed_once_a_process_and_a_new_revision_is_seen(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    real = versions.from_json

    def counting(text: str) -> Framework:
        framework = real(text)
        parsed.append(framework.name)
        return framework

    monkeypatch.setattr(versions, "_PARSED", {})
    monkeypatch.setattr(versions, "from_json", counting)
    framework = shipped()[0]
    with db.session() as session:
        import_framework(session, team_id="T1", framework=framework, source="v1.yaml", now=NOW)
    parsed.clear()  # the import's own answer
    for _ in range(3):
        with db.session() as session:
            assert [item.framework for item in current(session, team_id="T1")] == [framework]
    assert parsed == [framework.name], "read from the database each time, parsed once"
    changed = replace(framework, version="2026.2")
    with db.session() as session:
        new = import_framework(session, team_id="T1", framework=changed, source="v2.yaml", now=NOW).stored
    with db.session() as session:
        (latest,) = current(session, team_id="T1")
    assert (latest.id, latest.revision, latest.source, latest.framework) == (new.id, 2, "v2.yaml", changed)


@pytest.fixture
def request_context() -> Iterator[None]:
    """What a request notes lasts for its thread's context: cleared after, as the next request does."""
    yield
    versions.note_newest_seen(None, None)


def _seen_by_a_request(db: Database, team_id: str) -> versions.Newest | None:
    """As the person middleware reads it: with the person (here, on its own)."""
    with db.session() as session:
        newest_id, newest_at = session.execute(select(*versions.newest_version(literal(team_id)))).one()
    return versions.Newest(newest_id, newest_at) if newest_id is not None else None


def _imported_then_a_request_in(db: Database, *teams: str) -> Framework:
    """A framework imported for each of `teams`; then a request of the first notes what it read."""
    framework = shipped()[0]
    with db.session() as session:
        for team_id in teams:
            import_framework(session, team_id=team_id, framework=framework, source="v1.yaml", now=NOW)
    versions.note_newest_seen(teams[0], _seen_by_a_request(db, teams[0]))
    return framework


def _versions_read(db: Database, team_id: str) -> tuple[list[str], int]:
    """The workspace's current versions, and how many statements it took to know them."""
    statements: list[str] = []

    def counted(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        with db.session() as session:
            found = [item.framework.version for item in current(session, team_id=team_id)]
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return found, len(statements)


def test_a_request_that_saw_the_newest_version_reads_the_frameworks_only_when_they_changed(
    db: Database, request_context: None
) -> None:
    framework = _imported_then_a_request_in(db, "T1", "T2")
    assert _versions_read(db, "T1") == (["2026.1"], 1), "the first time: read, and kept"
    assert _versions_read(db, "T1") == (["2026.1"], 0), "nothing imported since: nothing read"
    assert _versions_read(db, "T2")[1] == 1, "another workspace than the request's: read"
    kept_before = versions._KEPT[db.engine]["T1"]

    with db.session() as session:  # a revision imported (by another process, as far as what is kept goes)
        import_framework(session, team_id="T1", framework=replace(framework, version="2026.2"), source="v2", now=NOW)
    versions._KEPT[db.engine]["T1"] = kept_before  # what another process would still hold
    versions.note_newest_seen("T1", _seen_by_a_request(db, "T1"))
    found, statements = _versions_read(db, "T1")
    assert found == ["2026.2"] and statements > 0, "the next request reads the new revision"

    kept = _seen_by_a_request(db, "T1")
    assert kept is not None
    versions.note_newest_seen("T1", versions.Newest(kept.id, kept.imported_at + timedelta(seconds=1)))
    assert _versions_read(db, "T1")[1] == 1, (
        "the same id imported at another time (a workspace erased and started again)"
    )
    versions.note_newest_seen(None, None)
    assert _versions_read(db, "T1")[1] == 1, "a request that noted nothing: read"


def test_what_one_database_kept_is_never_served_from_another(
    db: Database, tmp_path: Path, request_context: None
) -> None:
    """Two databases in one process (tests do it): the same workspace, id and time, different frameworks."""
    with ExitStack() as stack:
        url = (
            stack.enter_context(temporary_postgres(postgres_server()))
            if db.is_postgres
            else f"sqlite:///{tmp_path}/b.db"
        )
        other = Database.from_url(url)
        stack.callback(other.dispose)
        migrate.upgrade(other)
        first, second = shipped()[0], replace(shipped()[0], version="other")
        for database, framework in ((db, first), (other, second)):
            with database.session() as session:
                import_framework(session, team_id="T1", framework=framework, source="x", now=NOW)
        assert _seen_by_a_request(db, "T1") == _seen_by_a_request(other, "T1")
        for database, version in ((db, "2026.1"), (other, "other"), (db, "2026.1")):
            versions.note_newest_seen("T1", _seen_by_a_request(database, "T1"))
            assert _versions_read(database, "T1")[0] == [version]


def test_an_import_in_the_request_itself_is_read_by_the_rest_of_the_request(
    db: Database, request_context: None
) -> None:
    framework = _imported_then_a_request_in(db, "T1")
    assert _versions_read(db, "T1") == (["2026.1"], 1)
    with db.session() as session:
        import_framework(session, team_id="T1", framework=replace(framework, version="2026.2"), source="v2", now=NOW)
    assert _versions_read(db, "T1")[0] == ["2026.2"], "what the request noted is older than its own import"
