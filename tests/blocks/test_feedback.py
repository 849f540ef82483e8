"""The feedback surfaces in Block Kit: the largest round still fits Slack's limits, and nothing anyone
typed can ping, link or take the form of a mention, whatever it holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from blocks.feedback import answer_modal, asked_message
from blocks.feedback_results import results_message
from growth.feedback import AnswerForm, Choice, CompetencyResult, Given, ManagerAnswer, Said, Summary
from growth.feedback.rules import MAX_COMPETENCIES, TEXT_LIMIT
from growth.frameworks.shipped import shipped
from storage.models import FeedbackRequest, FeedbackRound, Person
from tests.blocks.test_limits import MESSAGE_BLOCKS, MODAL_BLOCKS, _check

FRAMEWORK = shipped()[0]
LEVEL = FRAMEWORK.level("IC4")
MAYA = Person(id=1, team_id="T", slack_user_id="U0MAYA", display_name="Maya", tz="Europe/Paris")
DEV = Person(id=2, team_id="T", slack_user_id="U0DEV", display_name="Dev")
CLOSED_AT = datetime(2026, 12, 8, 23, 1, tzinfo=UTC)


def _round(competencies: list[str], note: str | None = None) -> FeedbackRound:
    return FeedbackRound(
        id=5,
        team_id="T",
        person_id=1,
        asked_by_id=1,
        framework_version_id=1,
        target_ref="software-engineering/IC4",
        competencies=",".join(competencies),
        anonymous=True,
        note=note,
        due_at=datetime(2026, 12, 8, 23, 0, tzinfo=UTC),
        status="closed",
        closed_at=CLOSED_AT,
        request_key="k",
    )


def _summary(text: str, *, answers: int = 20) -> Summary:
    expected = FRAMEWORK.expectations_at("IC4")
    said = [Said(f"{n} {text}") for n in range(answers)]
    results = [CompetencyResult(c.id, c.name, e.text, {Choice.SOMETIMES: answers}, said, 1, 3) for c, e in expected]
    manager = ManagerAnswer(text, {c.id: (Choice.NOT_YET, text) for c, _ in expected}, text, text)
    return Summary(
        _round([c.id for c, _ in expected]),
        MAYA,
        FRAMEWORK,
        LEVEL,  # type: ignore[arg-type]
        answers + 1,
        answers + 1,
        True,
        3,
        results,
        said,
        said,
        manager,
        [text] * 3,
    )


def test_the_largest_results_fit_one_message() -> None:
    longest = "&<>" * (TEXT_LIMIT // 3)
    _, blocks = results_message(_summary(longest), viewer=MAYA, manager=DEV)
    _check([b.to_dict() for b in blocks], MESSAGE_BLOCKS)


def test_the_answer_form_for_the_most_competencies_fits_a_modal() -> None:
    expected = FRAMEWORK.expectations_at("IC4")
    round = _round([c.id for c, _ in expected][:MAX_COMPETENCIES], note="n")
    request = FeedbackRequest(id=9, team_id="T", round_id=5, responder_id=2, is_manager=False, status="asked")
    previous_text = "&" * TEXT_LIMIT
    previous = Given({c.id: ("sometimes", previous_text) for c, _ in expected}, previous_text, previous_text)
    form = AnswerForm(round, request, MAYA, LEVEL, expected[:MAX_COMPETENCIES], previous)  # type: ignore[arg-type]
    _check(answer_modal(form, where="D1/1.2").to_dict()["blocks"], MODAL_BLOCKS)


TRICKS = st.sampled_from(["<!channel>", "<!here>", "<@U0DEV>", "<#C0ENG>", "<https://x.test|click>", "&lt;!here&gt;"])
TYPED = st.lists(st.one_of(TRICKS, st.text(max_size=40)), max_size=6).map("".join)


@settings(max_examples=60, deadline=None)
@given(TYPED)
def test_nothing_typed_into_feedback_reaches_slack_as_a_control_sequence(text: str) -> None:
    _, blocks = results_message(_summary(text, answers=3), viewer=MAYA, manager=DEV)
    rendered = json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)
    _, asked = asked_message(_round(["delivery"], note=text), 9, person=MAYA, asker=MAYA, responder=DEV, manager=False)
    rendered += json.dumps([b.to_dict() for b in asked], ensure_ascii=False)
    for sequence in ("<!", "<@", "<#", "<http"):
        assert sequence not in rendered
