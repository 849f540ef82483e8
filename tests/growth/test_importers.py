"""Importing frameworks published elsewhere: progression-framework Markdown and suite CSV exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from growth.frameworks.importers import import_csv, import_progression, load_any
from growth.frameworks.loader import FrameworkInvalid

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def test_a_progression_folder_becomes_one_framework_with_a_track_per_file() -> None:
    imported = import_progression(EXAMPLES / "progression" / "acme-engineering")
    framework = imported.framework
    assert (framework.name, framework.title, framework.version) == ("acme-engineering", "Acme Engineering", "imported")
    assert [(t.id, t.name, [level.id for level in t.levels]) for t in framework.tracks] == [
        ("backend", "Backend Engineering", ["backend-1", "backend-2", "backend-3"]),
        ("mobile", "Mobile Engineering", ["mobile-1", "mobile-2"]),
    ]
    communication = next(c for c in framework.competencies if c.id == "communication")
    assert communication.name == "Communication"
    second = communication.expectations["backend-2"]
    assert second.text == "Tells the team what they are working on, why, and what help they need"
    assert second.details == ("Gives review feedback that explains the reasoning",)
    assert [communication.expectations[f"backend-{n}"].mastery for n in (1, 2, 3)] == [1, 2, 3]
    delivery = next(c for c in framework.competencies if c.id == "delivery")
    assert delivery.expectations["backend-2"].text == delivery.expectations["backend-1"].text
    assert any("topic delivery has nothing at level 2; level 1 carried" in line for line in imported.notes.mapped)


def test_progression_files_that_cannot_be_mapped_are_said_so(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Just notes\n\nNo front matter here.\n")
    (tmp_path / "ops.md").write_text(
        "---\ntitle: Ops\nlevels: 2\ntopics:\n  - name: incidents\n    content:\n"
        '      - level: 1\n        criteria: ["Joins the incident channel when paged"]\n'
        '      - level: 9\n        criteria: ["Beyond the ladder"]\n'
        "  - name: empty\n    content: []\n  - title: nameless\n---\n"
    )
    imported = import_progression(tmp_path)
    not_mapped = imported.notes.not_mapped
    assert f"{tmp_path / 'notes.md'}: no front matter with topics; skipped" in not_mapped
    assert f"{tmp_path / 'ops.md'}: topic incidents: content for level 9; skipped" in not_mapped
    assert f"{tmp_path / 'ops.md'}: topic empty has no criteria; skipped" in not_mapped
    assert f"{tmp_path / 'ops.md'}: a topic without a name; skipped" in not_mapped
    assert [c.id for c in imported.framework.competencies] == ["incidents"]


def test_a_folder_with_nothing_to_import_is_refused(tmp_path: Path) -> None:
    (tmp_path / "readme.md").write_text("nothing\n")
    with pytest.raises(FrameworkInvalid, match="has no progression-framework file with topics"):
        import_progression(tmp_path)


def test_more_levels_than_the_scale_allows_are_spread_over_seven_steps(tmp_path: Path) -> None:
    content = "".join(f'      - level: {n}\n        criteria: ["Does it at {n}"]\n' for n in range(1, 11))
    (tmp_path / "long.md").write_text(
        f"---\ntitle: Long\nlevels: 10\ntopics:\n  - name: skill\n    content:\n{content}---\n"
    )
    framework = import_progression(tmp_path / "long.md").framework
    assert len(framework.scale) == 7
    masteries = [framework.competencies[0].expectations[f"long-{n}"].mastery for n in range(1, 11)]
    assert masteries == sorted(masteries) and masteries[0] == 1 and masteries[-1] == 7
    assert [level.group.value for level in framework.tracks[0].levels][::3] == ["junior", "mid", "senior", "executive"]


def test_a_suite_csv_becomes_a_track_per_path_with_levels_in_file_order() -> None:
    imported = import_csv(EXAMPLES / "suite-export.csv")
    framework = imported.framework
    (track,) = framework.tracks
    assert [(level.id, level.title) for level in track.levels] == [
        ("customer-success-1", "Associate"),
        ("customer-success-2", "Specialist"),
        ("customer-success-3", "Lead"),
    ]
    listening = next(c for c in framework.competencies if c.id == "listening")
    assert listening.description == "Customer focus: Listening"
    assert listening.expectations["customer-success-2"].details == (
        "Spots patterns across customers and reports them to product",
    )
    coaching = next(c for c in framework.competencies if c.id == "coaching")
    assert list(coaching.expectations) == ["customer-success-3"]


def test_csv_problems_are_reported_with_their_line(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Path,Title,Skill\nA,B,C\n")
    with pytest.raises(FrameworkInvalid) as raised:
        import_csv(wrong)
    assert str(raised.value) == (
        f"{wrong}:1: needs the columns Path, Job title, Competency, Skill, Key behavior; missing Job title, "
        "Competency, Key behavior"
    )
    partial = tmp_path / "partial.csv"
    partial.write_text(
        "\ufeffPath,Job title,Competency,Skill,Key behavior,Owner\n"
        "Sales,Rep,Selling,Discovery,Asks about the buyer's problem before the product,Ana\n"
        "Sales,,Selling,Discovery,No title here,Ana\n"
        "Sales,Senior rep,Selling,Negotiation,Negotiates terms within the approved range,Ana\n"
    )
    imported = import_csv(partial)
    assert f"{partial}: column 'Owner' is not used" in imported.notes.not_mapped
    assert f"{partial}:3: needs a path, a job title, a skill and a key behavior; skipped" in imported.notes.not_mapped
    assert any("Discovery has no behavior for Senior rep; the one before carried" in n for n in imported.notes.mapped)


def test_load_any_reads_each_kind_by_its_suffix(tmp_path: Path) -> None:
    assert load_any(EXAMPLES / "suite-export.csv").framework.name == "suite-export"
    assert load_any(EXAMPLES / "progression" / "acme-engineering" / "backend.md").framework.tracks[0].id == "backend"
    shipped = Path(__file__).resolve().parents[2] / "growth" / "frameworks" / "product-management.yaml"
    assert load_any(shipped).framework.name == "product-management"
