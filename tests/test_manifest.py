"""The manifest a workspace admin pastes and the handlers the bot registers must agree."""

from pathlib import Path

import yaml

from blocks.ids import CallbackId, Command
from bot.oauth import BOT_SCOPES

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[1] / "manifest.yml").read_text())


def test_every_declared_command_and_shortcut_has_an_id_in_the_code() -> None:
    commands = {command["command"] for command in MANIFEST["features"]["slash_commands"]}
    assert commands == {str(command) for command in Command}
    shortcuts = {shortcut["callback_id"] for shortcut in MANIFEST["features"]["shortcuts"]}
    assert shortcuts == {str(CallbackId.LOG_AS_WIN_SHORTCUT)}


def test_commands_escape_mentions_so_a_person_arrives_as_an_id() -> None:
    assert all(command["should_escape"] for command in MANIFEST["features"]["slash_commands"])


def test_socket_mode_home_tab_and_interactivity_are_on() -> None:
    settings = MANIFEST["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"] is True
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened", "message.im"]


def test_the_bot_asks_for_the_minimal_scopes() -> None:
    assert BOT_SCOPES == (
        "commands",
        "chat:write",
        "im:write",
        "im:history",
        "users:read",
        "groups:write",
        "channels:read",
        "groups:read",
        "files:write",
    )
    assert MANIFEST["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)


def test_the_procfile_runs_the_three_processes() -> None:
    procfile = (Path(__file__).resolve().parents[1] / "Procfile").read_text().splitlines()
    kinds = dict(line.split(": ", 1) for line in procfile if line)
    assert kinds["release"] == "trellis db upgrade"
    assert kinds["web"] == "trellis serve --http"
    assert kinds["worker"] == "trellis worker"
