"""The competency delta, with properties that must hold for any framework and any answers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from growth.frameworks.model import Competency, Expectation, Framework, Group, Level, Track
from growth.frameworks.shipped import shipped
from growth.gaps import delta, summary_line

SE = shipped()[0]


def _framework(expected: list[int]) -> Framework:
    competencies = tuple(
        Competency(f"c{n}", f"C{n}", "d", {"T": Expectation(mastery, f"e{n}")}) for n, mastery in enumerate(expected)
    )
    track = Track("t", "T", (Level("T", "Target", Group.MID, "t", 0),))
    return Framework("f", "F", "1", ("a", "b", "c", "d", "e"), (track,), competencies)


expectations = st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=40)


@given(expectations, st.data())
def test_a_gap_is_never_negative_and_zero_where_the_expectation_is_met(
    expected: list[int], data: st.DataObject
) -> None:
    ratings = {f"c{n}": data.draw(st.integers(min_value=1, max_value=5)) for n in range(len(expected))}
    result = delta(_framework(expected), "T", ratings)
    for gap in result.gaps:
        assert gap.delta >= 0
        if gap.rated >= gap.expected:
            assert gap.delta == 0
        else:
            assert gap.delta == gap.expected - gap.rated
    assert all(gap.delta > 0 for gap in result.largest)


@given(expectations, st.data())
def test_the_largest_gaps_are_ordered_by_size_then_framework_order(expected: list[int], data: st.DataObject) -> None:
    ratings = {f"c{n}": data.draw(st.integers(min_value=1, max_value=5)) for n in range(len(expected))}
    result = delta(_framework(expected), "T", ratings)
    keys = [(-gap.delta, gap.order) for gap in result.largest]
    assert keys == sorted(keys)
    assert len(result.largest) == min(3, sum(1 for gap in result.gaps if gap.delta > 0))
    smallest_shown = min((gap.delta for gap in result.largest), default=0)
    assert all(gap.delta <= smallest_shown for gap in result.gaps if gap not in result.largest)
    assert delta(_framework(expected), "T", dict(reversed(list(ratings.items())))).largest == result.largest


def test_maya_at_ic3_aiming_for_ic4() -> None:
    ratings = {
        "engineering-craft": 4,
        "delivery": 4,
        "operational-ownership": 4,
        "communication": 4,
        "collaboration": 4,
        "mentoring": 2,
        "technical-direction": 1,
        "cross-team-leadership": 1,
    }
    result = delta(SE, "IC4", ratings)
    assert [gap.competency.id for gap in result.largest] == [
        "technical-direction",
        "cross-team-leadership",
        "mentoring",
    ]
    assert result.total == 2 + 2 + 1
    assert summary_line(result, "IC4") == (
        "Your biggest gaps to IC4: technical direction, cross-team leadership and mentoring."
    )


def test_no_gap_at_all_says_so() -> None:
    result = delta(SE, "IC2", {competency.id: 5 for competency in SE.competencies})
    assert result.largest == () and result.total == 0
    assert summary_line(result, "IC2").startswith("You meet every expectation of IC2")
