"""Parts turned into their dicts once: the same dicts as the plain models, validated, never shared."""

from __future__ import annotations

from datetime import date

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import ConfirmObject, Option, StaticSelectElement

from blocks.fixed import FixedConfirm, FixedStaticSelect
from blocks.wins import VISIBILITY, logged_message
from growth.visibility import Visibility
from growth.wins import LoggedWin
from storage.models import Win

WORDS = {"title": "Delete this win?", "text": "It leaves your log.", "confirm": "Delete", "deny": "Keep it"}


def test_a_fixed_part_gives_the_dict_of_the_plain_model_each_time() -> None:
    fixed, plain = FixedConfirm(**WORDS), ConfirmObject(**WORDS)
    assert fixed.to_dict() == plain.to_dict()
    assert fixed.to_dict() == plain.to_dict(), "the second time, from what the first made"
    assert fixed.to_dict("action") == plain.to_dict("action")
    assert fixed.to_dict(option_type="action") == plain.to_dict("action")


def test_whoever_changes_a_dict_it_gave_changes_nothing_shared() -> None:
    options = [Option(text="One", value="1"), Option(text="Two", value="2")]
    menu = FixedStaticSelect(action_id="pick", options=options, initial_option=options[1])
    given = menu.to_dict()
    given["initial_option"]["value"] = "changed"
    given["options"].clear()
    again = menu.to_dict()
    assert again["initial_option"]["value"] == "2" and len(again["options"]) == 2


def test_a_fixed_part_slack_would_refuse_fails_at_its_first_dict() -> None:
    too_long = FixedConfirm(**{**WORDS, "title": "x" * 101})
    with pytest.raises(SlackObjectFormationError):
        too_long.to_dict()
    with pytest.raises(SlackObjectFormationError):
        too_long.to_dict()  # nothing was kept of the failed one


@pytest.mark.parametrize("visibility", list(Visibility))
def test_a_wins_message_offers_the_same_menu_and_confirmation_as_before(visibility: Visibility) -> None:
    win = Win(
        id=41,
        team_id="T1",
        person_id=1,
        text="Led the review",
        happened_on=date(2026, 12, 7),
        visibility=visibility.value,
        source="command",
        request_key="k",
    )
    _, blocks = logged_message(LoggedWin(win, (), created=True), {}, [])
    actions = blocks[-1].to_dict()
    menu, _, undo = actions["elements"]
    options = [Option(text=label, value=value.value) for value, label in VISIBILITY.items()]
    chosen = next(option for option in options if option.value == visibility.value)
    expected = StaticSelectElement(action_id="win_visibility", options=options, initial_option=chosen)
    assert menu == expected.to_dict()
    assert (
        undo["confirm"]
        == ConfirmObject(
            title="Delete this win?",
            text="It leaves your log and every future packet.",
            confirm="Delete",
            deny="Keep it",
        ).to_dict()
    )
    assert undo["value"] == "41"
