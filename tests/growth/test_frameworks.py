"""Loading frameworks: every problem reported at once, each with file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from growth.frameworks.catalogue import Catalogue
from growth.frameworks.loader import MAX_BYTES, FrameworkInvalid, check_lattice, load_file, parse
from growth.frameworks.shipped import shipped

VALID = """\
name: tiny
title: Tiny
version: "1"
scale: [low, mid, high]
tracks:
  - id: ic
    name: IC
    levels:
      - {id: L1, title: One, group: junior}
      - {id: L2, title: Two, group: mid}
competencies:
  - id: craft
    name: Craft
    description: Building things.
    expectations:
      L1: {mastery: 1, expectation: "Builds small things with help."}
      L2: {mastery: 2, expectation: "Builds features alone."}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkInvalid) as raised:
        parse(text, source="f.yaml")
    return [str(problem) for problem in raised.value.problems]


def test_a_valid_framework_loads() -> None:
    framework = parse(VALID)
    assert framework.name == "tiny"
    assert [level.id for level in framework.tracks[0].levels] == ["L1", "L2"]
    assert framework.expectations_at("L2")[0][1].text == "Builds features alone."
    assert framework.next_level("L1").id == "L2"
    assert framework.next_level("L2") is None


def test_yaml_that_is_not_a_framework() -> None:
    assert problems("- just\n- a list\n") == [
        "f.yaml:1: is not a Trellis framework: expected a mapping with name, version, tracks, competencies"
    ]
    assert problems("") == [
        "f.yaml: is not a Trellis framework: expected a mapping with name, version, tracks, competencies"
    ]
    assert problems("key: [unclosed\n") == ["f.yaml:2: is not valid YAML: expected ',' or ']', but got '<stream end>'"]


def test_tabs_are_named_as_the_problem() -> None:
    text = VALID.replace("    name: IC", "\tname: IC")
    assert problems(text) == ["f.yaml:7: tabs are not allowed for indentation in YAML; indent with spaces"]


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (10 * MAX_BYTES))
    with pytest.raises(FrameworkInvalid) as raised:
        load_file(big)
    assert str(raised.value) == f"{big}: is 10.0 MB; a framework file is at most 1 MB"


def test_unknown_level_in_expectations_and_activities() -> None:
    text = VALID + '    activities:\n      L9: ["Do a thing."]\n'
    text = text.replace("      L2: {mastery: 2,", "      L3: {mastery: 2,")
    assert problems(text) == [
        "f.yaml:17: competencies[0].expectations.L3: names unknown level 'L3'",
        "f.yaml:19: competencies[0].activities.L9: names unknown level 'L9'",
        "f.yaml:16: competencies[0].expectations: level L2 has no expectation for competency craft, "
        "which L1 and above require",
        "f.yaml:10: tracks[0].levels[1]: level L2 expects no competency",
    ]


def test_a_level_listing_an_unknown_or_unexpected_competency() -> None:
    text = VALID.replace(
        "      - {id: L2, title: Two, group: mid}",
        "      - {id: L2, title: Two, group: mid, competencies: [craft, typing]}\n"
        "      - {id: L3, title: Three, group: mid, competencies: [craft]}",
    )
    assert problems(text) == [
        "f.yaml:17: competencies[0].expectations: level L3 has no expectation for competency craft, "
        "which L1 and above require",
        "f.yaml:10: tracks[0].levels[1].competencies[1]: level L2 lists unknown competency 'typing'",
        "f.yaml:11: tracks[0].levels[2].competencies[0]: level L3 requires competency craft "
        "but has no expectation for it",
        "f.yaml:11: tracks[0].levels[2]: level L3 expects no competency",
    ]


def test_a_competency_that_expects_nothing() -> None:
    text = VALID + "  - id: idle\n    name: Idle\n    description: Nothing.\n    expectations: {}\n"
    assert problems(text) == ["f.yaml:21: competencies[1].expectations: expects nothing at any level"]


def test_mastery_that_falls_as_levels_rise() -> None:
    text = VALID.replace("L2: {mastery: 2,", "L2: {mastery: 1,").replace("L1: {mastery: 1,", "L1: {mastery: 3,")
    assert problems(text) == ["f.yaml:17: competencies[0].expectations.L2.mastery: falls from 3 at L1 to 1 at L2"]


def test_mastery_outside_the_scale() -> None:
    text = VALID.replace("L2: {mastery: 2,", "L2: {mastery: 4,").replace("L1: {mastery: 1,", "L1: {mastery: high,")
    assert problems(text) == [
        "f.yaml:16: competencies[0].expectations.L1.mastery: is 'high'; use a whole number from 1 to 3 (the scale)",
        "f.yaml:17: competencies[0].expectations.L2.mastery: is 4; use a whole number from 1 to 3 (the scale)",
    ]


def test_duplicate_ids_and_keys() -> None:
    text = VALID.replace("{id: L2, title: Two", "{id: L1, title: Two") + (
        "  - id: craft\n    name: Craft again\n    description: Twice.\n    name: dup\n"
        '    expectations:\n      L1: {mastery: 1, expectation: "x"}\n'
    )
    found = problems(text)
    assert "f.yaml:10: tracks[0].levels[1].id: level id 'L1' is used twice (also at tracks[0].levels[0].id)" in found
    assert "f.yaml:21: competencies[1].name: appears twice" in found
    assert "f.yaml:18: competencies[1].id: competency id 'craft' is used twice (also at competencies[0].id)" in found


def test_a_lattice_link_to_an_unknown_level() -> None:
    text = VALID + "lattice:\n  - {from: L1, to: L7, kind: lateral}\n  - {from: L0, to: L2, kind: sideways}\n"
    assert problems(text) == [
        "f.yaml:19: lattice[0].to: names unknown level 'L7'",
        "f.yaml:20: lattice[1].from: names unknown level 'L0'",
        "f.yaml:20: lattice[1].kind: is 'sideways'; use lateral or diagonal",
    ]


def test_a_link_into_another_framework_is_checked_against_the_ones_loaded() -> None:
    framework = parse(VALID + "lattice:\n  - {from: L2, to: other/X1, kind: diagonal}\n")
    assert [str(p) for p in check_lattice([framework])] == ["tiny: lattice[0].to: links to unknown framework 'other'"]
    assert [str(p) for p in check_lattice([framework], known=shipped(), sources={"tiny": "tiny.yaml"})] == [
        "tiny.yaml: lattice[0].to: links to unknown framework 'other'"
    ]
    into_shipped = parse(VALID + "lattice:\n  - {from: L2, to: software-engineering/IC9, kind: diagonal}\n")
    assert [str(p) for p in check_lattice([into_shipped], known=shipped())] == [
        "tiny: lattice[0].to: links to unknown level 'IC9' in software-engineering"
    ]


def test_missing_fields_groups_that_go_down_and_unknown_fields_are_all_reported() -> None:
    text = (
        "name: Not A Slug\nversion: 1\nscale: [only]\ncolour: blue\n"
        "tracks:\n  - id: ic\n    name: IC\n    levels:\n"
        "      - {id: L1, title: One, group: senior}\n      - {id: L2, title: Two, group: junior}\n"
        "      - {id: L3, title: Three, group: boss}\n"
        "competencies:\n  - id: craft\n    name: Craft\n    description: |\n      two\n      lines\n"
        '    expectations:\n      L1: {mastery: 1, expectation: ""}\n'
    )
    assert problems(text) == [
        "f.yaml:4: colour: is not a framework field (expected one of name, title, version, scale, tracks, "
        "competencies, lattice, description)",
        "f.yaml:1: name: should be lower-case letters, digits and dashes, like software-engineering",
        "f.yaml:1: title: is missing",
        "f.yaml:3: scale: has 1 steps; use 2 to 7",
        "f.yaml:10: tracks[0].levels[1].group: goes down from senior to junior",
        "f.yaml:11: tracks[0].levels[2].group: is 'boss'; use one of junior, mid, senior, executive",
        "f.yaml:15: competencies[0].description: should be one line",
        "f.yaml:19: competencies[0].expectations.L1.expectation: is empty",
        "f.yaml:19: competencies[0].expectations: level L2 has no expectation for competency craft, "
        "which L1 and above require",
        "f.yaml:19: competencies[0].expectations: level L3 has no expectation for competency craft, "
        "which L1 and above require",
        "f.yaml:10: tracks[0].levels[1]: level L2 expects no competency",
        "f.yaml:11: tracks[0].levels[2]: level L3 expects no competency",
    ]


def test_a_level_with_forty_competencies_loads() -> None:
    many = "".join(
        f"  - id: c{n}\n    name: C{n}\n    description: D.\n    expectations:\n"
        f'      L1: {{mastery: 1, expectation: "E{n}"}}\n      L2: {{mastery: 1, expectation: "F{n}"}}\n'
        for n in range(40)
    )
    framework = parse(VALID + many)
    assert len(framework.expectations_at("L2")) == 41


def test_the_shipped_frameworks_are_valid_and_linked() -> None:
    frameworks = shipped()
    assert [f.name for f in frameworks] == [
        "software-engineering",
        "engineering-management",
        "product-management",
    ]
    assert check_lattice(frameworks) == []
    sizes = {f.name: [len(t.levels) for t in f.tracks] for f in frameworks}
    assert sizes == {"software-engineering": [6], "engineering-management": [4], "product-management": [5]}
    for framework in frameworks:
        for track in framework.tracks:
            for level in track.levels:
                assert 5 <= len(framework.expectations_at(level.id)) <= 8, level.id


def test_lattice_moves_are_offered_where_the_framework_allows_them() -> None:
    catalogue = Catalogue(list(shipped()))
    assert [t.ref for t in catalogue.targets_from("software-engineering/IC3")] == ["software-engineering/IC4"]
    assert [(t.ref, t.kind) for t in catalogue.targets_from("software-engineering/IC4")] == [
        ("software-engineering/IC5", "next"),
        ("engineering-management/EM1", "diagonal"),
        ("product-management/PM3", "lateral"),
    ]
    assert catalogue.targets_from("software-engineering/IC9") == []
