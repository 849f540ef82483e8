import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import event

from growth import asks, links, mentors, packet, roadmap
from growth.errors import NotAllowed
from growth.feedback import Choice
from growth.frameworks.shipped import shipped
from growth.notices import PacketRequested
from growth.packet import build_packet, log_csv, to_html, to_markdown, to_pdf
from growth.people import ensure_person
from growth.visibility import MANAGER, OWNER
from growth.wins import Details, Visibility, delete_win, log_win
from storage.db import Database
from storage.models import Person
from tests.factories import maya_aiming_for_ic4, person
from tests.growth.feedback_team import close_due, feedback_team, give, start_round

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
OUTAGE = "Led the payments outage review across three teams and published the postmortem"


def _maya(db: Database) -> Person:
    return maya_aiming_for_ic4(db)


def _win(db: Database, maya: Person, key: str, details: Details, today: date = TODAY) -> int:
    with db.session() as session:
        logged = log_win(session, person=maya, details=details, source="test", request_key=key, today=today, now=NOW)
    assert logged.win.id is not None
    return logged.win.id


def _packet(db: Database, who: Person, **kw: object) -> packet.Packet:
    with db.session() as session:
        return build_packet(session, person=who, defaults=shipped(), now=NOW, today=TODAY, **kw)  # type: ignore[arg-type]


def test_the_packet_has_each_competency_its_evidence_and_what_is_missing(db: Database) -> None:
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
    mine, shared = _packet(db, maya), _packet(db, maya, seen=MANAGER)
    with db.session() as session:
        csv_text = log_csv(session, person=maya)
    assert (mine.person, mine.level, mine.target) == (
        "Maya",
        "IC3 · Software Engineer III",
        "IC4 · Senior Software Engineer",
    )
    assert mine.framework == "Software Engineering 2026.1 (revision 1)"
    assert mine.period == (TODAY, TODAY) and mine.wins_in_all == 3
    by_name = {section.competency: section for section in mine.sections}
    assert [w.text for w in by_name["Cross-team leadership"].wins] == ["Led the <script>outage</script> review"]
    assert [w.text for w in by_name["Mentoring"].wins] == ["Private note to self"]
    assert "Delivery" in mine.without_evidence and "Deleted win" not in to_markdown(mine)
    assert [w.text for w in mine.other] == ['=HYPERLINK("https://evil")']
    assert "Mentoring" in shared.without_evidence and "Private note to self" not in to_markdown(shared)
    assert by_name["Delivery"].missing[0] == "No evidence yet: no win shows this competency."
    assert by_name["Mentoring"].missing[0].startswith("Steady evidence: wins in 1 of the last 12 weeks")
    assert (
        shared.audience
        == "Prepared for their manager, Maya's confirmed manager: the wins Maya shared, and public ones."
    )

    markdown = to_markdown(mine)
    assert markdown.startswith("# Promotion packet: Maya\n")
    assert "> IC4 expects: Leads a cross-team project to delivery" in markdown
    assert "  - Why it mattered: Three teams stopped paging each other" in markdown
    assert "### What is missing" in markdown and "| Cross-team leadership | proficient | not assessed |" in markdown
    page = to_html(mine)
    assert "<script>outage" not in page and "&lt;script&gt;outage&lt;/script&gt;" in page
    assert '<a href="https://docs.example/postmortem">https://docs.example/postmortem</a>' in page
    assert "@media print" in page and "overflow-wrap: anywhere" in page
    assert "'=HYPERLINK" in csv_text, "a formula-like cell is kept as text"
    assert csv_text.splitlines()[0] == "date,text,what,how,why,evidence,competencies,visibility,logged_at"


def test_untagged_wins_go_under_the_competency_trellis_suggests_and_only_the_rest_under_other_wins(
    db: Database,
) -> None:
    maya = _maya(db)
    for n, text in enumerate(
        [OUTAGE, "Mentored two new engineers through their first on-call weeks", "Renewed my passport"]
    ):
        _win(db, maya, f"w{n}", Details(text))  # as /win logs them: untagged
    made = _packet(db, maya)
    placed = {s.competency: [(w.text, w.suggested) for w in s.wins] for s in made.sections if s.wins}
    assert placed["Operational ownership"] == [(OUTAGE, True)]
    assert placed["Mentoring"] == [("Mentored two new engineers through their first on-call weeks", True)]
    assert [w.text for w in made.other] == ["Renewed my passport"]
    mentoring = next(s for s in made.sections if s.competency == "Mentoring")
    assert (mentoring.readiness.wins, mentoring.readiness.suggested, mentoring.readiness.suggested_weeks) == (0, 1, 1)
    assert mentoring.missing[0] == "Only suggested wins: Maya has not confirmed any as showing this competency."
    assert "Mentoring" not in made.without_evidence
    markdown = to_markdown(made)
    assert f"- **2026-11-23**: {OUTAGE} _(suggested)_" in markdown
    assert "can confirm them in one tap from the App Home" in markdown
    assert '<span class="tag suggested">suggested</span>' in to_html(made)


def test_readiness_counts_weeks_of_the_last_twelve_as_the_app_home_does(db: Database) -> None:
    maya = _maya(db)
    for n, weeks_ago in enumerate((0, 0, 1, 5, 11, 12, 30)):  # twice this week; 12 and 30 weeks ago are outside
        day = TODAY - timedelta(weeks=weeks_ago)
        _win(db, maya, f"d{n}", Details(f"Shipped {weeks_ago}", competencies=["delivery"]), today=day)
    _win(db, maya, "extra", Details("Shipped again", competencies=["delivery"]))
    made = _packet(db, maya)
    delivery = next(s for s in made.sections if s.competency == "Delivery")
    assert (delivery.readiness.weeks, delivery.readiness.wins) == (4, 8)
    assert delivery.readiness.per_week == (1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 3)
    from growth.wins import evidence

    with db.session() as session:
        (home,) = evidence(session, person=maya, competency_ids=["delivery"], today=TODAY)
    assert (home.weeks, home.per_week) == (delivery.readiness.weeks, delivery.readiness.per_week)
    assert made.period == (TODAY - timedelta(weeks=30), TODAY)


def test_the_first_page_has_the_largest_gaps_and_a_chart_against_what_the_target_expects(db: Database) -> None:
    people = feedback_team(db)  # Maya assessed herself: gaps in cross-team leadership, direction, mentoring
    maya = people["maya"]
    started = start_round(db, people, ["dev", "sam", "priya", "ray"])
    for who, choice in (("sam", Choice.SOMETIMES), ("priya", Choice.NOT_YET), ("ray", Choice.CONSISTENTLY)):
        give(db, started, people[who], choice, f"{who.title()} saw it in the incident review")
    give(db, started, people["dev"], Choice.SOMETIMES, "Strong in the room")
    close_due(db, started.round.due_at + timedelta(minutes=1))
    made = _packet(db, maya)
    assert [(gap.competency, gap.why) for gap in made.gaps] == [
        ("Technical direction", "2 steps short by Maya's self-assessment; wins in 0 of the last 12 weeks"),
        ("Cross-team leadership", "2 steps short by Maya's self-assessment; wins in 0 of the last 12 weeks"),
        ("Mentoring", "1 step short by Maya's self-assessment; wins in 0 of the last 12 weeks"),
    ]
    assert made.assessed_on == NOW.date() and made.charted
    direction = next(s for s in made.sections if s.competency == "Technical direction")
    assert direction.self_rated == 1 and direction.expected == 3
    assert direction.feedback == {Choice.CONSISTENTLY: 1, Choice.SOMETIMES: 1, Choice.NOT_YET: 1, Choice.NOT_SEEN: 0}
    assert "Feedback: 1 of 3 who answered said “not yet”." in direction.missing
    quoted = {(q.text, q.by) for q in direction.quotes}
    assert ("Sam saw it in the incident review", None) in quoted, "anonymous, from a round that met the threshold"
    assert ("Strong in the room", "Dev") in quoted, "the manager's answer, named"
    page = to_html(made)
    assert page.count('<img class="chart" src="data:image/png;base64,') == 1
    assert "Technical direction: IC4 expects proficient, self-assessed foundational, feedback 1 consistently" in page


def test_an_anonymous_round_below_the_threshold_gives_the_packet_nothing(db: Database) -> None:
    people = feedback_team(db)
    started = start_round(db, people, ["sam", "priya", "ray"])
    give(db, started, people["sam"], Choice.NOT_YET, "Sam's words")
    give(db, started, people["priya"], Choice.NOT_YET, "Priya's words")
    close_due(db, started.round.due_at + timedelta(minutes=1))
    made = _packet(db, people["maya"])
    assert all(not s.quotes and not s.feedback for s in made.sections)
    assert "words" not in to_markdown(made) and "words" not in to_html(made)


def test_walked_away_asks_sit_under_their_competency_with_how_they_went(db: Database) -> None:
    admin, maya, dev = person(db, "U0ADMIN", admin=True), _maya(db), person(db, "U0DEV")
    with db.session() as session:
        links.admin_set(session, admin=admin, report=maya, manager=dev, now=NOW)
    draft = asks.Draft(
        decision="Move the deploy freeze to Friday noon",
        recommendation="Friday 12:00, with on-call awake",
        two_way=asks.Door.YES,
        competency_id="technical-direction",
    )
    with db.session() as session:
        brought = asks.bring(
            session, person=maya, draft=draft, request_key="ask1", defaults=shipped(), today=TODAY, now=NOW
        )
        ask_id = brought.ask.id
    with db.session() as session:
        asks.decide(session, ask_id=ask_id, manager=dev, verdict=asks.Status.APPROVED, note="", now=NOW)
    made = _packet(db, maya)
    direction = next(s for s in made.sections if s.competency == "Technical direction")
    assert [(a.decision, a.outcome) for a in direction.asks] == [("Move the deploy freeze to Friday noon", None)]
    with db.session() as session:
        asks.log_outcome(session, person=maya, ask_id=ask_id, today=TODAY, now=NOW)
    made, shown_to_dev = _packet(db, maya), _packet(db, maya, seen=MANAGER, viewer=dev)
    (walked,) = next(s for s in made.sections if s.competency == "Technical direction").asks
    assert walked.outcome is not None and walked.outcome.text.startswith("Walked away with a win: Move the deploy")
    assert all(not s.wins for s in made.sections), "the outcome is shown with its ask, not twice"
    assert next(s for s in made.sections if s.competency == "Technical direction").readiness.wins == 1
    assert next(s for s in shown_to_dev.sections if s.competency == "Technical direction").asks
    sam = person(db, "U0SAM")
    with db.session() as session:
        links.admin_set(session, admin=admin, report=maya, manager=sam, now=NOW)
    assert not any(s.asks for s in _packet(db, maya, seen=MANAGER, viewer=sam).sections), "asks Sam never decided"
    assert "How it went: Walked away with a win" in to_markdown(made)


def test_the_roadmap_and_its_status_close_the_packet(db: Database) -> None:
    maya = _maya(db)
    with db.session() as session:
        added = roadmap.add(
            session,
            person=maya,
            competency_id="cross-team-leadership",
            title="Lead the Q1 on-call redesign",
            due_on=date(2027, 2, 26),
            now=NOW,
        )
        roadmap.set_status(
            session, person=maya, objective_id=added.objective.id, status=roadmap.Status.IN_PROGRESS, now=NOW
        )
    made = _packet(db, maya)
    assert [(o.title, o.competency, o.status, o.due) for o in made.roadmap] == [
        ("Lead the Q1 on-call redesign", "Cross-team leadership", "In progress", date(2027, 2, 26))
    ]
    assert (
        to_markdown(made)
        .rstrip()
        .endswith("- Lead the Q1 on-call redesign (Cross-team leadership): In progress, due 2027-02-26")
    )


def test_someone_without_a_level_still_gets_their_wins_and_is_told_which_level_is_missing(db: Database) -> None:
    with db.session() as session:
        someone = ensure_person(
            session, team_id="T1", user_id="U0NEW", enterprise_id=None, load_profile=lambda: None, now=NOW
        )
    _win(db, someone, "n1", Details(OUTAGE))
    made = _packet(db, someone)
    assert made.target is None and made.sections == []
    assert made.missing_level == "This person has not set a current level yet (`/trellis level`)."
    assert [w.text for w in made.other] == [OUTAGE]
    assert "- **Level missing:** This person has not set a current level yet" in to_markdown(made)
    assert "Level missing." in to_html(made)
    someone.level_ref = "software-engineering/IC3"  # a level, and no target yet
    assert _packet(db, someone).missing_level == "This person has not chosen a target level yet (`/trellis level`)."


def test_a_packet_of_two_thousand_wins_is_built_with_a_handful_of_queries_and_bounded_in_size(db: Database) -> None:
    maya = _maya(db)
    with db.session() as session:
        for n in range(2000):
            details = Details(f"Win {n}", competencies=["delivery"] if n % 2 else [])
            log_win(session, person=maya, details=details, source="test", request_key=f"k{n}", today=TODAY, now=NOW)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        made = _packet(db, maya)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    delivery = next(s for s in made.sections if s.competency == "Delivery")
    assert (len(delivery.wins), delivery.more, delivery.readiness.wins) == (30, 970, 1000)
    assert (len(made.other), made.other_more, made.wins_in_all) == (30, 970, 2000)
    assert delivery.wins[0].text == "Win 1999", "newest first"
    assert "…and 970 earlier wins, in the full log." in to_markdown(made)
    assert len(statements) < 25, statements


def test_a_long_win_and_markup_are_escaped_and_wrap_in_the_page_and_the_pdf(db: Database) -> None:
    maya = _maya(db)
    _win(db, maya, "long", Details("x" * 10_000, competencies=["delivery"]))
    _win(
        db,
        maya,
        "markup",
        Details('<img src=x onerror="alert(1)"> </ul></body> & <!channel>', competencies=["delivery"]),
    )
    made = _packet(db, maya)
    page = to_html(made)
    assert (
        "<img src=x" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &lt;/ul&gt;&lt;/body&gt;" in page
    )
    assert "x" * 10_000 in page
    pdf = PdfReader(io.BytesIO(to_pdf(made, paper="A4")))
    assert [round(float(v)) for v in pdf.pages[0].mediabox[2:]] == [595, 842], "A4, in points"
    letter = PdfReader(io.BytesIO(to_pdf(made, paper="Letter")))
    assert [round(float(v)) for v in letter.pages[0].mediabox[2:]] == [612, 792]


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
        assert asked.missing_level is None
    for viewer in (ada, sam, admin):  # a mentor who sees everything still gets no packet
        with db.session() as session, pytest.raises(NotAllowed, match="confirmed manager"):
            packet.request(session, viewer=viewer, subject=maya, defaults=shipped(), now=NOW, request="t")
    levelless = person(db, "U0NEW")
    with db.session() as session:
        links.admin_set(session, admin=admin, report=levelless, manager=dev, now=NOW)
    for viewer in (levelless, dev):
        with db.session() as session:
            asked = packet.request(session, viewer=viewer, subject=levelless, defaults=shipped(), now=NOW, request="t")
        assert asked.missing_level == "New has not set a current level yet (`/trellis level`)."


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
    made = _packet(db, maya)
    assert "- **2026-11-23**: Fixed the flaky test _(logged by Dev)_" in to_markdown(made)
    assert "logged by Dev" in to_html(made)
