"""`/win <text>`, and the buttons on a logged win: tag, who sees it, edit, undo, see all.

The full form (`/win` alone, the "Log as a win" shortcut, Edit) is `handlers.win_form`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from blocks.text import from_slack_markup
from blocks.wins import WinForm, whole_text_view, win_answer
from delivery.unit import after_answer
from growth import wins
from growth.people import local_today
from growth.visibility import Visibility
from growth.vocabulary import WinVocabulary, win_vocabulary
from growth.wins import Details
from handlers.home import publish_home
from handlers.middleware import PERSON_KEY
from handlers.parsing import choice, row_id
from handlers.services import Services, services_of
from handlers.win_form import open_form
from storage.models import Person


def win_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    text = from_slack_markup(command.get("text") or "").strip()
    if not text:
        ack()
        form = WinForm(f"modal:{command['trigger_id']}", channel=command.get("channel_id"))
        after_answer(lambda: open_form(client, services, person, form, trigger_id=command["trigger_id"]))
        return
    work = services.work()
    now = work.now  # one moment for the whole change
    with work:
        vocabulary = vocabulary_of(services, work.session, person, work.now)
        logged = wins.log(
            work.session,
            person=person,
            details=Details(text),
            source="command",
            request_key=f"command:{command['trigger_id']}",
            today=local_today(person, now),
            now=now,
        )
        work.notify(logged.notices)
    with work.sending():  # the answer first, then this change's own messages
        fallback, blocks = win_answer(logged.logged, vocabulary)
        ack(response_type="ephemeral", text=fallback, blocks=[block.to_dict() for block in blocks])


def tag_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    win_id, _, listed = str(action.get("value") or "").partition(":")
    chosen = row_id(win_id)
    _change(
        respond,
        context,
        lambda session, person, now: wins.tag(
            session, person=person, win_id=chosen, competency_ids=listed.split(","), now=now
        ),
    )


def home_tag_clicked(ack: Ack, action: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """One tap on the App Home confirms the competency Trellis suggested for a win; the home is redrawn."""
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    win_id, _, competency_id = str(action.get("value") or "").partition(":")
    chosen = row_id(win_id)
    with services.work() as work:
        changed = wins.tag(work.session, person=person, win_id=chosen, competency_ids=[competency_id], now=work.now)
        work.notify(changed.notices)
    with work.sending():  # the home first, then this change's own messages
        publish_home(client, services, person)


def visibility_chosen(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    win_id = row_id(str(action.get("block_id") or "").removeprefix("win:"))
    chosen = choice(Visibility, (action.get("selected_option") or {}).get("value"))
    _change(
        respond,
        context,
        lambda session, person, now: wins.change_visibility(
            session, person=person, win_id=win_id, visibility=chosen, now=now
        ),
    )


def edit_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    win_id = row_id(action.get("value"))
    with services.db.session() as session:
        win = wins.own_win(session, person=person, win_id=win_id)
        existing = wins.LoggedWin(win, wins.competencies_of(session, win), created=False)
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    form = WinForm(f"edit:{win_id}", win_id=win_id, channel=channel, response_url=body.get("response_url"))
    open_form(client, services, person, form, trigger_id=body["trigger_id"], existing=existing)


def undo_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    with services.work() as work:
        work.notify(wins.delete(work.session, person=person, win_id=row_id(action.get("value"))))
    with work.sending():  # the answer first, then this change's own messages
        respond(text="Deleted. It is gone from your log and from every future packet.", replace_original=True)


def see_all_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    with services.db.session() as session:
        text = wins.own_win(session, person=person, win_id=row_id(action.get("value"))).text
    client.views_open(trigger_id=body["trigger_id"], view=whole_text_view(text).to_dict())


def vocabulary_of(services: Services, session: Any, person: Person, now: datetime) -> WinVocabulary:
    return win_vocabulary(session, person=person, defaults=services.frameworks, now=now)


def _change(respond: Respond, context: BoltContext, change: Any) -> None:
    """Apply a button's change to the person's own win, redraw the message in place, then send what the
    change shared."""
    services, person = services_of(context), context[PERSON_KEY]
    with services.work() as work:
        vocabulary = vocabulary_of(services, work.session, person, work.now)
        changed: wins.Changed = change(work.session, person, work.now)
        work.notify(changed.notices)
    with work.sending():  # the answer first, then this change's own messages
        fallback, blocks = win_answer(changed.logged, vocabulary, note=changed.note)
        respond(text=fallback, blocks=[block.to_dict() for block in blocks], replace_original=True)
