"""`/trellis level` and `/trellis gaps` as Maya uses them, over HTTP against the fake, on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import select

from growth.frameworks.loader import parse
from growth.frameworks.versions import import_framework
from growth.people import ensure_workspace
from slacksim import FakeSlack, SlackSender
from storage.db import Database
from storage.models import Assessment, AssessmentAnswer, Person
from storage.types import utcnow
from tests.e2e.conftest import bot_environment, trellis
from tests.e2e.steps import SE, answer_page, choose_level, chosen, open_modal, set_level, text_of, then_view


def test_gaps_without_a_level_walks_the_person_to_level_first(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    body = sender.command("/trellis", "gaps", user_id="U0MAYA").json()
    assert body["response_type"] == "ephemeral"
    assert body["text"] == "First tell me your level and where you are heading: `/trellis level`."
    assert body["blocks"][0]["accessory"]["action_id"] == "open_level"
    assert slack.calls("views.open") == []
    sender.block_action(user_id="U0MAYA", action={"action_id": "open_level", "type": "button", "value": "x"})
    (opened,) = slack.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "level"


def test_the_level_modal_offers_the_next_level_and_lattice_moves(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    view = open_modal(sender, slack, "level")
    current = view["blocks"][0]["element"]
    assert current["action_id"] == "level_current"
    assert [group["label"]["text"] for group in current["option_groups"]] == [
        "Engineering IC",
        "Engineering Management",
        "Product Management",
    ]
    for level, offered in (("IC3", ["IC4 · Senior Software Engineer (next level)"]), ("IC4", None)):
        view = choose_level(sender, slack, view, f"{SE}/{level}")
        options = [o["text"]["text"] for o in view["blocks"][1]["element"]["options"]]
        if offered:
            assert options == offered
        else:
            assert options == [
                "IC5 · Staff Engineer (next level)",
                "EM1 · Engineering Manager (diagonal move)",
                "PM3 · Senior Product Manager (lateral move)",
            ]


def test_saving_a_level_updates_the_person_and_the_home_tab(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    reply = set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    answer = reply.json()
    assert answer["response_action"] == "update"
    assert "heading for *IC4 · Senior Software Engineer*" in text_of(answer["view"])
    with db.session() as session:
        maya = session.exec(select(Person).where(Person.slack_user_id == "U0MAYA")).one()
        assert (maya.level_ref, maya.target_ref) == (f"{SE}/IC3", f"{SE}/IC4")
    slack.wait_for_home("U0MAYA", "IC3 → IC4 · Senior Software Engineer")


def test_a_target_the_framework_does_not_offer_is_refused_in_the_modal(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    answer = set_level(sender, slack, f"{SE}/IC3", "engineering-management/EM1").json()
    assert answer == {"response_action": "errors", "errors": {"level_target": "From IC3 the framework offers: IC4."}}


def test_maya_assesses_herself_and_gets_her_three_biggest_gaps_in_her_dm(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    view = open_modal(sender, slack, "gaps")
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    assert len(inputs) == 8
    hints = [block["hint"]["text"] for block in inputs]
    assert (
        "IC4 expects: Leads a cross-team project to delivery, coordinating engineers who do not report to them."
        in hints
    )
    ratings = {
        "Engineering craft": 4,
        "Delivery": 4,
        "Operational ownership": 4,
        "Communication": 4,
        "Collaboration": 4,
    }
    ratings |= {"Mentoring": 2, "Technical direction": 1, "Cross-team leadership": 1}
    reply = answer_page(sender, view, ratings)
    assert reply.status == 200 and reply.body == b""
    (dm,) = slack.wait_for("chat.postMessage")
    assert dm.args["channel"] == "U0MAYA"
    assert dm.args["text"] == "Your biggest gaps to IC4: technical direction, cross-team leadership and mentoring."
    assert "Software Engineering 2026.1 (revision 1)" in text_of(dm.args["blocks"])
    file_id, png = slack.wait_for_file(lambda name: name.startswith("gaps-IC4-"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert slack.completion_of(file_id).args["channel_id"] == "D0MAYA"
    requested = [c for c in slack.calls("files.getUploadURLExternal") if c.args["filename"].startswith("gaps-IC4-")]
    assert requested[-1].args["alt_txt"].startswith("Self-assessment against IC4. Engineering craft: met;")
    slack.wait_for_home("U0MAYA", "• Technical direction\\n• Cross-team leadership\\n• Mentoring")
    with db.session() as session:
        (assessment,) = session.exec(select(Assessment)).all()
        assert assessment.total_gap == 5
        assert len(session.exec(select(AssessmentAnswer)).all()) == 8
    again = open_modal(sender, slack, "gaps")
    preset = {
        b["label"]["text"]: b["element"]["initial_option"]["value"] for b in again["blocks"] if b["type"] == "input"
    }
    assert preset["Technical direction"] == "1", "a second assessment starts from the last answers"


def test_a_framework_imported_while_trellis_runs_is_offered_at_the_next_request(
    tmp_path: Path, sender: SlackSender, slack: FakeSlack, database_url: str
) -> None:
    """The bot keeps a workspace's frameworks between requests; what an operator imports (another process)
    is in the very next request, a new framework and a new revision alike."""

    def tracks() -> set[str]:
        view = open_modal(sender, slack, "level")
        return {group["label"]["text"] for group in view["blocks"][0]["element"]["option_groups"]}

    shipped = tracks()
    assert tracks() == shipped, "the second request, answered from what the bot kept, offers the same"
    env, wide = bot_environment(database_url, slack), tmp_path / "wide.yaml"
    for track, revision in (("Wide track", 1), ("Wider track", 2)):
        wide.write_text(
            f"name: wide\ntitle: Wide\nversion: '{revision}'\nscale: [some, more]\ntracks:\n  - id: w\n"
            f"    name: {track}\n    levels:\n      - {{id: L1, title: One, group: junior}}\n"
            "competencies:\n  - id: c\n    name: C\n    description: D.\n    expectations:\n"
            '      L1: {mastery: 1, expectation: "Does it."}\n'
        )
        imported = trellis("framework", "import", str(wide), env=env, cwd=tmp_path)
        assert f"as revision {revision} for T0TRELLIS" in imported.stdout, imported.stderr
        assert tracks() == shipped | {track}


def test_forty_competencies_are_asked_over_four_pages(sender: SlackSender, slack: FakeSlack, db: Database) -> None:
    competencies = "".join(
        f"  - id: c{n}\n    name: Competency {n}\n    description: D.\n    expectations:\n"
        f'      L1: {{mastery: 1, expectation: "Does {n} a bit."}}\n'
        f'      L2: {{mastery: 2, expectation: "Does {n} well."}}\n'
        for n in range(40)
    )
    wide = parse(
        "name: wide\ntitle: Wide\nversion: '1'\nscale: [some, more]\ntracks:\n  - id: w\n    name: Wide track\n"
        "    levels:\n      - {id: L1, title: One, group: junior}\n      - {id: L2, title: Two, group: mid}\n"
        f"competencies:\n{competencies}"
    )
    with db.session() as session:
        ensure_workspace(session, team_id=slack.team_id, enterprise_id=None, now=utcnow())
        import_framework(session, team_id=slack.team_id, framework=wide, source="wide.yaml", now=utcnow())
    set_level(sender, slack, "wide/L1", "wide/L2")
    view = open_modal(sender, slack, "gaps")
    for page in range(1, 5):
        assert view["title"]["text"] == f"Where you stand {page}/4"
        assert len(view["blocks"]) <= 100
        assert sum(1 for block in view["blocks"] if block["type"] == "input") == 10
        reply = (
            answer_page(sender, view, {}, default=1).json() if page < 4 else answer_page(sender, view, {}, default=1)
        )
        if page < 4:
            assert reply["response_action"] == "update"
            view = {**reply["view"], "id": view["id"], "hash": view.get("hash")}
    (dm,) = slack.wait_for("chat.postMessage")
    assert dm.args["text"] == "Your biggest gaps to L2: competency 0, competency 1 and competency 2."
    with db.session() as session:
        assert len(session.exec(select(AssessmentAnswer)).all()) == 40


def test_a_form_opened_before_the_target_changed_is_not_recorded(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    stale = open_modal(sender, slack, "gaps")
    set_level(sender, slack, f"{SE}/IC4", f"{SE}/IC5")
    answer = answer_page(sender, stale, {}).json()
    assert answer["response_action"] == "errors"
    assert "changed since you opened this" in next(iter(answer["errors"].values()))
    with db.session() as session:
        assert session.exec(select(Assessment)).all() == []


def _flag_button(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return next(
        element
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "flag_open"
    )


def test_an_unclear_expectation_is_flagged_from_the_assessment_and_reaches_the_admin(
    sender: SlackSender, slack: FakeSlack, db: Database, database_url: str, tmp_path: Path
) -> None:
    slack.add_user(slack.team_id, "U0ADA", name="Ada", is_admin=True)
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    gaps = open_modal(sender, slack, "gaps")
    button = _flag_button(gaps["blocks"])
    action = {"action_id": "flag_open", "type": "button", "value": button["value"]}
    flag_view = then_view(
        slack, "views.push", "flag_expectation", lambda: sender.block_action(user_id="U0MAYA", view=gaps, action=action)
    )
    options = [option["value"] for option in flag_view["blocks"][1]["element"]["options"]]
    assert len(options) == 8 and "cross-team-leadership" in options
    values = {
        "flag_which": {"flag_which": chosen("cross-team-leadership")},
        "flag_comment": {
            "flag_comment": {"type": "plain_text_input", "value": "<!channel> what counts as cross-team?"}
        },
    }
    answer = sender.view_submission(user_id="U0MAYA", view=flag_view, values=values).json()
    assert answer["response_action"] == "update"
    assert "IC4 · Cross-team leadership" in text_of(answer["view"])

    empty = {**values, "flag_comment": {"flag_comment": {"type": "plain_text_input", "value": "   "}}}
    refused = sender.view_submission(user_id="U0MAYA", view=flag_view, values=empty).json()
    assert refused["response_action"] == "errors" and "Say in a few words" in refused["errors"]["flag_comment"]

    sender.app_home_opened("U0ADA")
    admin_home = text_of(slack.wait_for_home("U0ADA", "Unclear expectations, for the framework's owners"))
    assert "IC4 · Cross-team leadership* (1 flag)" in admin_home
    assert "&lt;!channel&gt; what counts as cross-team?" in admin_home and "<!channel>" not in admin_home
    published = len(slack.calls("views.publish"))
    sender.app_home_opened("U0MAYA")
    slack.wait_for("views.publish", published + 1)
    maya_homes = [c.args["view"] for c in slack.calls("views.publish")[published:] if c.args["user_id"] == "U0MAYA"]
    assert maya_homes and all("Unclear expectations" not in text_of(view) for view in maya_homes)

    listing = trellis("framework", "feedback", env=bot_environment(database_url, slack), cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "software-engineering revision 1 · IC4 · Cross-team leadership" in listing.stdout
    assert "<!channel> what counts as cross-team?" in listing.stdout


def test_the_result_in_the_dm_offers_to_flag_any_expectation_of_the_level(
    sender: SlackSender, slack: FakeSlack, db: Database
) -> None:
    set_level(sender, slack, f"{SE}/IC3", f"{SE}/IC4")
    answer_page(sender, open_modal(sender, slack, "gaps"), {})
    (dm,) = slack.wait_for("chat.postMessage")
    action = {"action_id": "flag_open", "type": "button", "value": _flag_button(dm.args["blocks"])["value"]}
    flag_view = then_view(
        slack, "views.open", "flag_expectation", lambda: sender.block_action(user_id="U0MAYA", action=action)
    )
    assert len(flag_view["blocks"][1]["element"]["options"]) == 8
