"""What the win form offers its author: whose win it can be, the competencies to tag, the objectives.

A manager may log a win for a confirmed report (and sees that report's competencies and open
objectives once they choose them); choosing anyone else is refused, and shows nothing of theirs.
Editing a win keeps its objective even once that objective is closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from growth.errors import NotAllowed
from growth.frameworks.model import Framework
from growth.links import manages, reports_of
from growth.roadmap import objectives
from growth.vocabulary import WinVocabulary, win_vocabulary
from storage.models import Objective, Person, Win


@dataclass(frozen=True)
class FormChoices:
    subject: Person  # whose win it will be: the author, or the confirmed report they chose
    vocabulary: WinVocabulary  # the subject's target level's competencies
    reports: list[Person]  # whom the author may log a win for; none when editing
    objectives: list[Objective]  # the subject's open objectives (and the edited win's own)


def form_choices(
    session: Session,
    *,
    author: Person,
    defaults: tuple[Framework, ...],
    now: datetime,
    chosen: Person | None = None,
    editing: Win | None = None,
) -> FormChoices:
    subject = author
    if editing is None and chosen is not None and chosen.id != author.id:
        if not manages(session, manager=author, report=chosen):
            name = chosen.display_name or "them"
            raise NotAllowed(f"You can log a win for {name} once you are their confirmed manager.")
        subject = chosen
    plan = objectives(session, person=subject, open_only=True)
    if editing is not None and editing.objective_id and editing.objective_id not in {o.id for o in plan}:
        kept = session.get(Objective, editing.objective_id)
        if kept is not None and kept.person_id == author.id:
            plan.append(kept)
    return FormChoices(
        subject,
        win_vocabulary(session, person=subject, defaults=defaults, now=now),
        reports_of(session, manager=author) if editing is None else [],
        plan,
    )
