from pathlib import Path

import pytest

from bot.settings import DEFAULT_API_URL, Mode, Settings, SettingsError, environment, no_slack_credentials

HTTP = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "abc123"}
SOCKET = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}


def test_defaults_follow_the_design() -> None:
    settings = Settings.load(Mode.HTTP, HTTP)
    assert settings.slack_api_url == DEFAULT_API_URL
    assert settings.database_url == "sqlite:///trellis.db"
    assert settings.framework == "software-engineering"
    assert settings.port == 3000
    assert settings.ask_follow_up_days == 7
    assert not settings.oauth_enabled
    assert Settings.load(Mode.HTTP, {**HTTP, "TRELLIS_ASK_FOLLOW_UP_DAYS": "14"}).ask_follow_up_days == 14
    assert settings.anonymity_min == 3
    assert Settings.load(Mode.HTTP, {**HTTP, "TRELLIS_ANONYMITY_MIN": "5"}).anonymity_min == 5
    assert settings.retention_days == 30 and settings.retention.days == 30
    assert Settings.load(Mode.HTTP, {**HTTP, "TRELLIS_RETENTION_DAYS": "90"}).retention_days == 90


@pytest.mark.parametrize(
    ("mode", "values", "variable", "where"),
    [
        (
            Mode.HTTP,
            {"SLACK_BOT_TOKEN": "xoxb-1"},
            "SLACK_SIGNING_SECRET",
            "Basic Information > App Credentials",
        ),
        (Mode.HTTP, {"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN", "OAuth & Permissions"),
        (Mode.SOCKET, {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN", "App-Level Tokens"),
        (Mode.WORKER, {}, "SLACK_BOT_TOKEN", "Bot User OAuth Token"),
    ],
)
def test_a_missing_setting_names_the_variable_and_where_to_find_it(
    mode: Mode, values: dict[str, str], variable: str, where: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.load(mode, values)
    assert raised.value.variable == variable
    message = str(raised.value)
    assert message.startswith(f"{variable} is not set")
    assert where in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("values", "variable", "fragment"),
    [
        ({**HTTP, "SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN", "should start with 'xoxb-'"),
        ({**SOCKET, "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN", "should start with 'xapp-'"),
        ({**HTTP, "SLACK_SIGNING_SECRET": "abc def"}, "SLACK_SIGNING_SECRET", "white space"),
        ({**HTTP, "DATABASE_URL": "not a url"}, "DATABASE_URL", "is not a database URL"),
        ({**HTTP, "DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL", "sqlite:// or postgresql://"),
        ({**HTTP, "PORT": "eighty"}, "PORT", "between 1 and 65535"),
        ({**HTTP, "PORT": "70000"}, "PORT", "between 1 and 65535"),
        ({**HTTP, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL", "http(s) URL"),
        ({**HTTP, "TRELLIS_ASK_FOLLOW_UP_DAYS": "0"}, "TRELLIS_ASK_FOLLOW_UP_DAYS", "from 1 to 90"),
        ({**HTTP, "TRELLIS_ASK_FOLLOW_UP_DAYS": "a week"}, "TRELLIS_ASK_FOLLOW_UP_DAYS", "from 1 to 90"),
        ({**HTTP, "SLACK_CLIENT_ID": "123.456"}, "SLACK_CLIENT_SECRET", "OAuth needs both"),
        ({**HTTP, "TRELLIS_ANONYMITY_MIN": "2"}, "TRELLIS_ANONYMITY_MIN", "fewer than 3 anonymous answers"),
        ({**HTTP, "TRELLIS_ANONYMITY_MIN": "three"}, "TRELLIS_ANONYMITY_MIN", "from 3 to 20"),
        ({**HTTP, "TRELLIS_RETENTION_DAYS": "0"}, "TRELLIS_RETENTION_DAYS", "from 1 to 3650"),
        ({**HTTP, "TRELLIS_RETENTION_DAYS": "a month"}, "TRELLIS_RETENTION_DAYS", "from 1 to 3650"),
    ],
)
def test_a_malformed_setting_is_refused_with_one_clear_line(
    values: dict[str, str], variable: str, fragment: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.load(Mode.HTTP if "SLACK_SIGNING_SECRET" in values else Mode.SOCKET, values)
    assert raised.value.variable == variable
    assert fragment in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/trellis", "postgresql+psycopg://u:p@db:5432/trellis"),
        ("postgresql://u@db/trellis", "postgresql+psycopg://u@db/trellis"),
        ("sqlite:////var/lib/trellis.db", "sqlite:////var/lib/trellis.db"),
    ],
)
def test_database_urls_from_hosting_platforms_are_accepted(given: str, expected: str) -> None:
    assert Settings.load(Mode.HTTP, {**HTTP, "DATABASE_URL": given}).database_url == expected


def test_api_url_gets_its_trailing_slash() -> None:
    settings = Settings.load(Mode.HTTP, {**HTTP, "SLACK_API_URL": "http://127.0.0.1:9/api"})
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


def test_offline_commands_need_no_slack_credentials() -> None:
    assert Settings.load(Mode.OFFLINE, {}).slack_bot_token is None


def test_oauth_is_refused_in_socket_mode() -> None:
    values = {**SOCKET, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}
    with pytest.raises(SettingsError, match="needs HTTP mode"):
        Settings.load(Mode.SOCKET, values)


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-file\nPORT=4000\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PORT", "5000")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    values = environment()
    assert values["SLACK_BOT_TOKEN"] == "xoxb-from-file"
    assert values["PORT"] == "5000"


def test_no_slack_credentials_is_the_cue_for_the_demo() -> None:
    assert no_slack_credentials({"DATABASE_URL": "sqlite://"})
    assert no_slack_credentials({"SLACK_BOT_TOKEN": "  "})
    assert not no_slack_credentials({"SLACK_APP_TOKEN": "xapp-1"})
