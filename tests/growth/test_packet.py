from datetime import UTC, date, datetime

import pytest

from growth import links, mentors, packet
from growth.errors import GrowthError, NotAllowed
from growth.frameworks.shipped import shipped
from growth.levels import NoLevelYet
from growth.notices import PacketRequested
from growth.packet import build_packet, log_csv, to_html, to_markdown
from growth.people import ensure_person
from growth.visibility import MANAGER, OWNER
from growth.wins import Details, Visibility, delete_win, log_win
from storage.db import Database
from storage.models import Person
from tests.factories import maya_aiming_for_ic4, person

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def _maya(db: Database) -> Person:
    return maya_aiming_for_ic4(db)


def _win(db: Database, maya: Person, key: str, details: Details) -> int:
    with db.session() as session:
        logged = log_win(session, person=maya, details=details, source="test", request_key=key, today=TODAY, now=NOW)
    assert logged.win.id is not None
    return logged.win.id


def test_the_packet_has_each_competency_its_evidence_and_the_gaps(db: Database) -> None:
    maya = _maya(db)
    _win(
        db,
        maya,
        "a",
        Details(
            "Led the <script>outage</script> review",
            what="Postmortem in two days",
            why="Three teams stopped paging each other",
            evidence_url="https://docs.example/postmortem",
            visibility=Visibility.SHARED,
            competencies=["cross-team-leadership"],
        ),
    )
    _win(db, maya, "b", Details("Private note to self", competencies=["mentoring"]))
    _win(db, maya, "c", Details('=HYPERLINK("https://evil")', visibility=Visibility.PUBLIC))
    gone = _win(db, maya, "d", Details("Deleted win", competencies=["delivery"]))
    with db.session() as session:
        delete_win(session, person=maya, win_id=gone)
    with db.session() as session:
        mine = build_packet(session, person=maya, defaults=shipped(), now=NOW, today=TODAY)
        shared = build_packet(session, person=maya, defaults=shipped(), now=NOW, today=TODAY, seen=MANAGER)
        csv_text = log_csv(session, person=maya)
    assert (mine.person, mine.level, mine.target) == (
        "Maya",
        "IC3 · Software Engineer III",
        "IC4 · Senior Software Engineer",
    )
    assert mine.framework == "Software Engineering 2026.1 (revision 1)"
    by_name = {section.competency: section for section in mine.sections}
    assert [w.win.text for w in by_name["Cross-team leadership"].wins] == ["Led the <script>outage</script> review"]
    assert [w.win.text for w in by_name["Mentoring"].wins] == ["Private note to self"]
    assert "Delivery" in mine.gaps and "Deleted win" not in to_markdown(mine)
    assert [w.win.text for w in mine.untagged] == ['=HYPERLINK("https://evil")']
    assert "Mentoring" in shared.gaps and "Private note to self" not in to_markdown(shared)

    markdown = to_markdown(mine)
    assert markdown.startswith("# Promotion packet: Maya\n")
    assert "> IC4 expects: Leads a cross-team project to delivery" in markdown
    assert "  - Why it mattered: Three teams stopped paging each other" in markdown
    assert "_No evidence yet: a gap._" in markdown
    page = to_html(mine)
    assert "<script>outage" not in page and "&lt;script&gt;outage&lt;/script&gt;" in page
    assert '<a href="https://docs.example/postmortem">evidence</a>' in page and "@media print" in page
    assert "'=HYPERLINK" in csv_text, "a formula-like cell is kept as text"
    assert csv_text.splitlines()[0] == "date,text,what,how,why,evidence,competencies,visibility,logged_at"


def test_no_packet_without_a_level(db: Database) -> None:
    with db.session() as session:
        someone = ensure_person(
            session, team_id="T1", user_id="U0NEW", enterprise_id=None, load_profile=lambda: None, now=NOW
        )
        with pytest.raises(NoLevelYet):
            build_packet(session, person=someone, defaults=shipped(), now=NOW, today=TODAY)


def test_a_packet_of_two_thousand_wins_is_built_with_a_handful_of_queries(db: Database) -> None:
    maya = _maya(db)
    with db.session() as session:
        for n in range(2000):
            details = Details(f"Win {n}", competencies=["delivery"] if n % 2 else [])
            log_win(session, person=maya, details=details, source="test", request_key=f"k{n}", today=TODAY, now=NOW)
    statements: list[str] = []
    from sqlalchemy import event

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.session() as session:
            made = build_packet(session, person=maya, defaults=shipped(), now=NOW, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(made.untagged) + len(next(s for s in made.sections if s.competency == "Delivery").wins) == 2000
    assert len(statements) < 15, statements


def test_a_win_logged_by_a_manager_says_so_in_the_packet(db: Database) -> None:
    maya = _maya(db)
    dev = person(db, "U0DEV")
    with db.session() as session:
        log_win(
            session,
            person=maya,
            details=Details("Fixed the flaky test", competencies=["delivery"]),
            source="shortcut",
            request_key="m1",
            today=TODAY,
            now=NOW,
            logged_by=dev,
        )
    with db.session() as session:
        made = build_packet(session, person=maya, defaults=shipped(), now=NOW, today=TODAY)
    assert "- **2026-11-23**: Fixed the flaky test _(logged by Dev)_" in to_markdown(made)
    assert "(logged by Dev)" in to_html(made)


def test_a_packet_is_for_the_person_and_their_confirmed_manager_and_shows_what_each_may_see(db: Database) -> None:
    admin, maya = person(db, "U0ADMIN", admin=True), maya_aiming_for_ic4(db)
    dev, ada, sam = person(db, "U0DEV"), person(db, "U0ADA"), person(db, "U0SAM")
    with db.session() as session:
        links.admin_set(session, admin=admin, report=maya, manager=dev, now=NOW)
        mentorship = mentors.ask(session, person=maya, mentor=ada, now=NOW).mentorship
        mentors.answer(session, link_id=mentorship.id, who=ada, confirm=True, now=NOW)
        mentors.choose_sees(session, person=maya, link_id=mentorship.id, sees=set(mentors.Sees))
    for viewer, seen in ((maya, OWNER), (dev, MANAGER)):
        with db.session() as session:
            asked = packet.request(session, viewer=viewer, subject=maya, defaults=shipped(), now=NOW, request="t")
        assert asked.seen == seen and asked.notices == [PacketRequested(maya, viewer, seen, "t")]
    for viewer in (ada, sam, admin):  # a mentor who sees everything still gets no packet
        with db.session() as session, pytest.raises(NotAllowed, match="confirmed manager"):
            packet.request(session, viewer=viewer, subject=maya, defaults=shipped(), now=NOW, request="t")
    levelless = person(db, "U0NEW")
    with db.session() as session:
        links.admin_set(session, admin=admin, report=levelless, manager=dev, now=NOW)
    with db.session() as session, pytest.raises(NoLevelYet):
        packet.request(session, viewer=levelless, subject=levelless, defaults=shipped(), now=NOW, request="t")
    with db.session() as session, pytest.raises(GrowthError, match="has not set a level"):
        packet.request(session, viewer=dev, subject=levelless, defaults=shipped(), now=NOW, request="t")
