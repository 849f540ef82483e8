from handlers.parsing import mentioned, number, parse


def test_parse_takes_the_first_word_at_any_white_space() -> None:
    assert parse("  HELP me ") == ("HELP", "me")
    assert parse(None) == ("", "")
    assert parse("   ") == ("", "")
    assert parse("level\n<@U1|maya>") == ("level", "<@U1|maya>")


def test_mentions_are_read_as_slack_escapes_them() -> None:
    assert mentioned("<@U0DEV|dev> and <@W0ADA> but not @sam or <#C1|eng>") == ["U0DEV", "W0ADA"]
    assert mentioned("") == []


def test_an_id_a_button_carries_is_a_number_or_nothing() -> None:
    assert number("42") == 42 and number(7) == 7 and number("0") == 0
    assert number("") is None and number(None) is None and number("4 2") is None and number("-1") is None
