"""`trellis framework validate | import | list` as an operator runs them."""

from __future__ import annotations

import re
from pathlib import Path

from growth.frameworks.shipped import path_of
from growth.people import ensure_workspace
from slacksim import FakeSlack
from storage.db import Database
from storage.types import utcnow
from tests.e2e.conftest import bot_environment, trellis, trellis_on_a_terminal
from tests.e2e.steps import oauth_environment


def test_validate_reports_every_problem_with_file_and_line(tmp_path: Path, slack: FakeSlack) -> None:
    good = path_of("software-engineering")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        good.read_text().replace("IC2: {mastery: 2,", "IC2: {mastery: 9,").replace("group: mid}", "group: middle}", 1)
    )
    env = bot_environment("sqlite://", slack)
    ok = trellis("framework", "validate", str(good), env=env, cwd=tmp_path)
    assert ok.returncode == 0
    assert "ok: software-engineering version 2026.1" in ok.stdout
    failed = trellis("framework", "validate", str(bad), str(good), env=env, cwd=tmp_path)
    assert failed.returncode == 1
    lines = failed.stdout.splitlines()
    assert f"{bad}:13: tracks[0].levels[1].group: is 'middle'; use one of junior, mid, senior, executive" in lines
    assert any(line.startswith(f"{bad}:") and "mastery: is 9; use a whole number from 1 to 5" in line for line in lines)
    assert lines[-1].endswith("problems found")


def test_import_stores_a_revision_for_the_workspace_and_list_shows_history(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    env = bot_environment(database_url, slack)
    framework = path_of("product-management")
    first = trellis("framework", "import", str(framework), env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "as revision 1 for T0TRELLIS" in first.stdout, "before anyone opened Trellis: the bot token's workspace"
    assert [call.token for call in slack.calls("auth.test")] == ["xoxb-e2e-token"]
    assert "unchanged" in trellis("framework", "import", str(framework), env=env, cwd=tmp_path).stdout
    edited = tmp_path / "pm.yaml"
    edited.write_text(framework.read_text().replace('version: "2026.1"', 'version: "2026.2"'))
    assert (
        "as revision 2"
        in trellis("framework", "import", str(edited), "--team", "T0TRELLIS", env=env, cwd=tmp_path).stdout
    )
    wrong = trellis("framework", "import", str(edited), "--team", "T0NOPE", env=env, cwd=tmp_path)
    assert wrong.returncode == 2 and "T0NOPE has not used Trellis yet" in wrong.stderr
    listing = trellis("framework", "list", env=env, cwd=tmp_path).stdout
    assert "product-management revision 1, version 2026.1" in listing
    assert "product-management revision 2, version 2026.2" in listing and "(current)" in listing


def test_an_invalid_file_is_never_imported(tmp_path: Path, slack: FakeSlack, db: Database, database_url: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n\ttracks: []\n")
    result = trellis("framework", "import", str(bad), env=bot_environment(database_url, slack), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{bad}:2: tabs are not allowed for indentation in YAML; indent with spaces" in result.stdout
    assert "nothing imported" in result.stdout


def test_a_progression_folder_is_imported_saying_what_was_mapped(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    folder = Path(__file__).resolve().parents[2] / "docs" / "examples" / "progression" / "acme-engineering"
    with db.session() as session:
        ensure_workspace(session, team_id="T0TRELLIS", enterprise_id=None, now=utcnow())
    result = trellis("framework", "import", str(folder), env=bot_environment(database_url, slack), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "mapped: " in result.stdout and "topic delivery has nothing at level 2; level 1 carried" in result.stdout
    assert "imported acme-engineering version imported" in result.stdout
    assert "as revision 1 for T0TRELLIS" in result.stdout


def test_first_run_framework_list_and_export_use_the_bot_tokens_workspace(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    env = bot_environment(database_url, slack)
    listing = trellis("framework", "list", env=env, cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "Workspace T0TRELLIS: none imported yet (it uses the shipped ones)" in listing.stdout
    nobody = trellis("export", "packet", "--user", "U0MAYA", env=env, cwd=tmp_path)
    assert nobody.returncode == 2
    assert "U0MAYA has not used Trellis in workspace T0TRELLIS" in nobody.stderr
    offline = trellis("framework", "list", env={**env, "SLACK_API_URL": "http://127.0.0.1:1/api/"}, cwd=tmp_path)
    assert offline.returncode == 0 and "Shipped with Trellis:" in offline.stdout


def test_in_oauth_mode_with_no_install_yet_import_says_what_to_do(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    env = oauth_environment(database_url, slack)
    result = trellis("framework", "import", str(path_of("product-management")), env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "--team is needed: no workspace has installed Trellis yet" in result.stderr
    with db.session() as session:
        ensure_workspace(session, team_id="T0ONE", enterprise_id=None, now=utcnow())
        ensure_workspace(session, team_id="T0TWO", enterprise_id=None, now=utcnow())
    several = trellis("framework", "import", str(path_of("product-management")), env=env, cwd=tmp_path)
    assert "--team is needed: Trellis serves several workspaces (T0ONE, T0TWO)" in several.stderr


def test_importing_a_large_folder_shows_progress_on_a_terminal_only(
    tmp_path: Path, slack: FakeSlack, db: Database, database_url: str
) -> None:
    example = (
        Path(__file__).resolve().parents[2] / "docs" / "examples" / "progression" / "acme-engineering" / "backend.md"
    ).read_text()
    folder = tmp_path / "guild-ladders"
    folder.mkdir()
    for n in range(120):
        named = example.replace('path: "/engineering/backend"', f'path: "/engineering/team-{n}"')
        (folder / f"team-{n:03}.md").write_text(named.replace("Backend Engineering Framework", f"Team {n} Framework"))
    with db.session() as session:
        ensure_workspace(session, team_id="T0TRELLIS", enterprise_id=None, now=utcnow())
    env = bot_environment(database_url, slack)
    piped = trellis("framework", "validate", str(folder), env=env, cwd=tmp_path)
    assert piped.returncode == 0, piped.stdout + piped.stderr
    assert "120 track(s) from 120 file(s)" in piped.stdout and "reading" not in piped.stderr, "no progress in a pipe"
    code, shown = trellis_on_a_terminal(["framework", "import", str(folder)], env, tmp_path)
    assert code == 0, shown
    assert "reading guild-ladders" in shown and re.search(r"\d+/120 \[", shown), shown
