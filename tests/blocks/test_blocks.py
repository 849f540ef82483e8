from hypothesis import given
from hypothesis import strategies as st

from blocks.career import level_modal
from blocks.help import AVAILABLE, CommandHelp, help_blocks, help_text
from blocks.home import home_view
from blocks.text import escape, one_line, shorten
from growth.checkins import HomeThread, Streak
from growth.frameworks.catalogue import Catalogue
from growth.frameworks.shipped import defaults, shipped
from growth.home import Home, HomeSummary
from growth.team import Team
from storage.models import Person

NOTHING_YET = Home(
    HomeSummary(position=None, latest=None, trend=[]),
    HomeThread("Check-ins: Fridays at 15:00 your time.", Streak(0, 0, 0), []),
    Team([]),
)


def test_escape_defuses_broadcasts_and_mentions() -> None:
    assert escape("<!channel> & <@U123|boss>") == "&lt;!channel&gt; &amp; &lt;@U123|boss&gt;"
    assert escape('"quotes" stay') == '"quotes" stay'


@given(st.text())
def test_escaped_text_never_contains_a_control_sequence(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped


def test_shorten_and_one_line() -> None:
    assert shorten("abcdef", 4) == "abc…"
    assert shorten("abc", 4) == "abc"
    assert one_line("a\nb\u0000c\u200bd   e") == "a b c d e"


def test_help_lists_every_available_command_and_validates_as_block_kit() -> None:
    blocks = [block.to_dict() for block in help_blocks(AVAILABLE)]
    text = str(blocks)
    for command in AVAILABLE:
        assert command.usage in text


def test_an_unknown_subcommand_is_echoed_escaped_and_short() -> None:
    blocks = [block.to_dict() for block in help_blocks([CommandHelp("/trellis help", "x")], unknown="<!channel>")]
    assert "&lt;!channel&gt;" in blocks[0]["text"]["text"]
    assert "<!channel>" not in str(blocks)
    assert "<!channel>" not in help_text(unknown="<!channel>")
    long = help_blocks(AVAILABLE, unknown="x" * 5000)[0].to_dict()
    assert len(long["text"]["text"]) < 200


def test_home_view_greets_the_person_and_shows_their_time_zone() -> None:
    person = Person(team_id="T1", slack_user_id="U1", display_name="<!here> Maya", tz="Europe/Paris")
    view = home_view(person, AVAILABLE, NOTHING_YET).to_dict()
    assert view["type"] == "home"
    text = str(view["blocks"])
    assert "&lt;!here&gt; Maya" in text
    assert "Europe/Paris" in text


def test_home_view_without_a_name_or_zone_still_renders() -> None:
    view = home_view(Person(team_id="T1", slack_user_id="U1"), AVAILABLE, NOTHING_YET).to_dict()
    assert "Hi there!" in str(view["blocks"])
    assert "not known yet" in str(view["blocks"])


def test_the_level_modal_lists_the_preferred_framework_first() -> None:
    frameworks, name = defaults("product-management")
    assert name == "product-management" and frameworks[0].name == "product-management"
    view = level_modal(Catalogue(list(shipped())), None, None, [f.name for f in frameworks]).to_dict()
    groups = [group["label"]["text"] for group in view["blocks"][0]["element"]["option_groups"]]
    assert groups == ["Product Management", "Engineering IC", "Engineering Management"]
    assert view["blocks"][1]["type"] == "context", "no target until a level is chosen"
