"""Limits Slack enforces that slack_sdk does not check: we hold them ourselves, for the largest inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from blocks.career import result_message
from blocks.wins import WinForm, logged_message, public_post, whole_text_view, win_modal
from growth.assessments import Recorded
from growth.frameworks.catalogue import Catalogue
from growth.frameworks.loader import parse
from growth.frameworks.shipped import shipped
from growth.frameworks.versions import Stored
from growth.gaps import delta
from growth.wins import LoggedWin
from storage.models import Win

MESSAGE_BLOCKS, MODAL_BLOCKS, SECTION, INPUT = 50, 100, 3000, 3000


def _walk(value: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            found += _walk(item)
    elif isinstance(value, list):
        for item in value:
            found += _walk(item)
    return found


def _check(blocks: list[dict[str, Any]], most: int) -> None:
    assert len(blocks) <= most
    for node in _walk(blocks):
        if node.get("type") == "section" and isinstance(node.get("text"), dict):
            assert len(node["text"]["text"]) <= SECTION
        if node.get("type") == "plain_text_input":
            assert node.get("max_length", INPUT) <= INPUT
            assert len(node.get("initial_value") or "") <= INPUT


def _win(text: str) -> LoggedWin:
    win = Win(
        id=7,
        team_id="T",
        person_id=1,
        text=text,
        happened_on=date(2026, 11, 20),
        visibility="public",
        source="command",
        request_key="k",
        what="w" * 3000,
        how=None,
        why=None,
    )
    return LoggedWin(win, ("delivery",), created=True)


def test_the_longest_win_fits_every_surface() -> None:
    longest = _win("&<>" * 3333)
    _, blocks = logged_message(longest, {}, [])
    _check([b.to_dict() for b in blocks], MESSAGE_BLOCKS)
    _check(public_post(longest, "Maya", {}, "C1")["blocks"], MESSAGE_BLOCKS)
    _check(whole_text_view(longest.win.text).to_dict()["blocks"], MODAL_BLOCKS)
    modal = win_modal(WinForm("k", 7), competencies=[], level_id=None, today=date(2026, 11, 20), existing=longest)
    _check(modal.to_dict()["blocks"], MODAL_BLOCKS)


def test_a_gap_result_for_a_level_of_forty_competencies_fits_a_message() -> None:
    competencies = "".join(
        f"  - id: c{n}\n    name: {'Competency with a long name ' * 2}{n}\n    description: D.\n    expectations:\n"
        f'      L1: {{mastery: 1, expectation: "E"}}\n'
        for n in range(40)
    )
    wide = parse(
        "name: wide\ntitle: Wide\nversion: '1'\nscale: [some, more]\ntracks:\n  - id: w\n    name: W\n"
        f"    levels:\n      - {{id: L1, title: One, group: junior}}\ncompetencies:\n{competencies}"
    )
    target = Catalogue([wide]).targets_from("wide/L1") or None
    assert target is None  # a one-level track has no target; use the level itself for the message
    level = wide.level("L1")
    from growth.frameworks.catalogue import Target

    recorded = Recorded(1, delta(wide, "L1", {}), Stored(1, 1, wide, "x", datetime.now(UTC)))
    _, blocks = result_message(recorded, Target(wide, level, "next"))
    _check([b.to_dict() for b in blocks], MESSAGE_BLOCKS)
    assert shipped()
