"""`/win`, the "Log as a win" shortcut, and the buttons on a logged win."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from growth.career import WinVocabulary, win_vocabulary
from growth.errors import GrowthError, NotAllowed
from growth.links import manages, reports_of
from growth.mentors import Sees
from growth.people import local_today
from growth.roadmap import objectives
from growth.suggest import suggest
from growth.wins import (
    Details,
    LoggedWin,
    Visibility,
    competencies_of,
    delete_win,
    edit_win,
    log_win,
    own_win,
    set_visibility,
    tag_win,
)
from growth.workspaces import growth_channel
from handlers.blocks.text import escape, escape_within, from_slack_markup, one_line
from handlers.blocks.wins import WinForm, logged_message, public_post, whole_text_view, win_modal
from handlers.ids import Action, Block, Callback, Command, View
from handlers.mentors import post_to_rooms
from handlers.middleware import PERSON_KEY
from handlers.people import person_for
from handlers.services import Services, services_of
from storage import outbox
from storage.models import Objective, Person


def register(app: App) -> None:
    app.command(Command.WIN)(win_command)
    app.shortcut(Callback.LOG_AS_WIN_SHORTCUT)(log_as_win)
    app.view(View.WIN)(win_submitted)
    app.action(Action.WIN_TAG)(tag_clicked)
    app.action(Action.WIN_VISIBILITY)(visibility_chosen)
    app.action(Action.WIN_EDIT)(edit_clicked)
    app.action(Action.WIN_UNDO)(undo_clicked)
    app.action(Action.WIN_SEE_ALL)(see_all_clicked)
    app.action(Action.WIN_FOR)(whose_changed)


def win_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    text = from_slack_markup(command.get("text") or "").strip()
    if not text:
        ack()
        form = WinForm(f"modal:{command['trigger_id']}", channel=command.get("channel_id"))
        client.views_open(trigger_id=command["trigger_id"], view=_modal(services, person, form).to_dict())
        return
    try:
        with services.db.session() as session:
            vocabulary = _vocabulary(services, session, person)
            logged = log_win(
                session,
                person=person,
                details=Details(text),
                source="command",
                request_key=f"command:{command['trigger_id']}",
                today=local_today(person, services.clock()),
                now=services.clock(),
            )
    except GrowthError as error:
        ack(response_type="ephemeral", text=str(error))
        return
    fallback, blocks = _answer(logged, vocabulary)
    ack(response_type="ephemeral", text=fallback, blocks=[block.to_dict() for block in blocks])


def log_as_win(ack: Ack, shortcut: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """From any message: the modal, filled with the message's words and a link to it."""
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    message, channel = shortcut.get("message") or {}, (shortcut.get("channel") or {}).get("id")
    permalink = None
    with suppress(SlackApiError):  # the link is a nicety; the words are what matter
        permalink = client.chat_getPermalink(channel=channel, message_ts=shortcut["message_ts"])["permalink"]
    form = WinForm(f"shortcut:{shortcut['trigger_id']}", channel=channel)
    text = from_slack_markup(message.get("text") or "")
    view = _modal(services, person, form, text=text, evidence_url=permalink)
    client.views_open(trigger_id=shortcut["trigger_id"], view=view.to_dict())


def win_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    form = WinForm.load(view["private_metadata"])
    values = view["state"]["values"]
    chosen = ((values.get(Block.WIN_FOR) or {}).get(Action.WIN_FOR, {}).get("selected_option") or {}).get("value")
    if chosen and chosen != person.slack_user_id and form.win_id is None:
        _log_for_report(ack, client, services, person, form, values, chosen)
        return
    try:
        with services.db.session() as session:
            vocabulary = _vocabulary(services, session, person)
            existing = own_win(session, person=person, win_id=form.win_id) if form.win_id else None
            details = _details(values, existing.text if existing else "")
            if existing is not None:
                logged = edit_win(session, person=person, win_id=existing.id, details=details, now=services.clock())
                note = _sync_public(session, services, person, logged, vocabulary)
            else:
                source = form.request_key.split(":", 1)[0]
                logged = log_win(
                    session,
                    person=person,
                    details=details,
                    source=source,
                    request_key=form.request_key,
                    today=local_today(person, services.clock()),
                    now=services.clock(),
                )
                note = _sync_public(session, services, person, logged, vocabulary) if logged.created else None
    except GrowthError as error:
        field = Block.WIN_TEXT if Block.WIN_TEXT in values else next(iter(values))
        ack(response_action="errors", errors={field: str(error)[:150]})
        return
    ack()
    if not logged.created and form.win_id is None:
        return  # the same modal submitted again: stored once, confirmed once
    services.dispatcher.drain(team_id=person.team_id)
    fallback, blocks = _answer(logged, vocabulary, edited=form.win_id is not None, note=note)
    _tell(client, person, form, fallback, [block.to_dict() for block in blocks])


def _log_for_report(
    ack: Ack,
    client: WebClient,
    services: Services,
    manager: Person,
    form: WinForm,
    values: dict[str, Any],
    user_id: str,
) -> None:
    """A manager logs a win for someone they manage: marked as theirs to log, and the person is told."""
    report = person_for(client, services, team_id=manager.team_id, user_id=user_id)
    name = report.display_name or "them"
    try:
        with services.db.session() as session:
            if not manages(session, manager=manager, report=report):
                raise NotAllowed(f"You can log a win for {name} once you are their confirmed manager.")
            vocabulary = _vocabulary(services, session, report)
            logged = log_win(
                session,
                person=report,
                details=_details(values, ""),
                source=form.request_key.split(":", 1)[0],
                request_key=form.request_key,
                today=local_today(report, services.clock()),
                now=services.clock(),
                logged_by=manager,
            )
            if logged.created:
                who = escape(manager.display_name or "Your manager")
                note = f"{who} logged this win for you. It is yours to edit or delete."
                fallback, blocks = _answer(logged, vocabulary, note=note)
                payload = {"channel": report.slack_user_id, "text": fallback, "blocks": [b.to_dict() for b in blocks]}
                key = f"win-for:{logged.win.id}"
                outbox.enqueue(session, team_id=report.team_id, key=key, method="chat.postMessage", payload=payload)
                _sync_public(session, services, report, logged, vocabulary)
    except GrowthError as error:
        ack(response_action="errors", errors={Block.WIN_FOR: str(error)[:150]})
        return
    ack()
    if not logged.created:
        return
    services.dispatcher.drain(team_id=manager.team_id)
    done = f"Logged a win for {escape(name)}; they have been told, and it is theirs to edit or delete."
    _tell(client, manager, form, done, [])


def tag_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    win_id, _, listed = action["value"].partition(":")
    _change(
        respond,
        context,
        lambda session, person, now: tag_win(
            session, person=person, win_id=int(win_id), competency_ids=listed.split(","), now=now
        ),
    )


def visibility_chosen(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    win_id = int(action["block_id"].removeprefix("win:"))
    chosen = Visibility(action["selected_option"]["value"])
    _change(
        respond,
        context,
        lambda session, person, now: set_visibility(session, person=person, win_id=win_id, visibility=chosen, now=now),
    )


def edit_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    win_id = int(action["value"])
    try:
        with services.db.session() as session:
            win = own_win(session, person=person, win_id=win_id)
            existing = LoggedWin(win, competencies_of(session, win), created=False)
    except GrowthError as error:
        _say(body, client, person, str(error))
        return
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    form = WinForm(f"edit:{win_id}", win_id=win_id, channel=channel, response_url=body.get("response_url"))
    client.views_open(trigger_id=body["trigger_id"], view=_modal(services, person, form, existing=existing).to_dict())


def undo_clicked(ack: Ack, action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    try:
        with services.db.session() as session:
            win_id = int(action["value"])
            delete_win(session, person=person, win_id=win_id)
            _take_down(session, services, person, win_id)
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    services.dispatcher.drain(team_id=person.team_id)
    respond(text="Deleted. It is gone from your log and from every future packet.", replace_original=True)


def see_all_clicked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    try:
        with services.db.session() as session:
            text = own_win(session, person=person, win_id=int(action["value"])).text
    except GrowthError as error:
        _say(body, client, person, str(error))
        return
    client.views_open(trigger_id=body["trigger_id"], view=whole_text_view(text).to_dict())


def _vocabulary(services: Services, session: Any, person: Person) -> WinVocabulary:
    return win_vocabulary(session, person=person, defaults=services.frameworks, now=services.clock())


def logged_answer(services: Services, session: Any, person: Person, logged: LoggedWin) -> tuple[str, list[Any]]:
    """The message for a win just logged (by any route), with its buttons and suggestions."""
    return _answer(logged, _vocabulary(services, session, person))


def _answer(
    logged: LoggedWin, vocabulary: WinVocabulary, *, edited: bool = False, note: str | None = None
) -> tuple[str, list[Any]]:
    suggestions = []
    if vocabulary.framework is not None and not logged.competencies:
        suggestions = suggest(vocabulary.framework, vocabulary.level_ids, logged.win.text)
    return logged_message(logged, vocabulary.names, suggestions, edited=edited, note=note)


NO_CHANNEL = "Public wins are posted once a workspace admin chooses a growth channel in `/trellis settings`."


def _sync_public(
    session: Any, services: Services, person: Person, logged: LoggedWin, vocabulary: WinVocabulary
) -> str | None:
    """In the change's own transaction: take down the win's post, and post it again if it is public.
    A win shared for the first time also goes to the mentorship rooms whose mentor sees wins."""
    assert logged.win.id is not None
    _take_down(session, services, person, logged.win.id)
    if logged.win.visibility in (Visibility.SHARED.value, Visibility.PUBLIC.value):
        text = f"🏆 {escape(one_line(person.display_name, 60))} logged a win: {escape_within(logged.win.text, 2500)}"
        post_to_rooms(session, person=person, showing=Sees.WINS, key=f"room-win:{logged.win.id}", text=text)
    if logged.win.visibility != Visibility.PUBLIC.value:
        return None
    channel = growth_channel(session, team_id=person.team_id)
    if channel is None:
        return NO_CHANNEL
    stamp = int(services.clock().timestamp() * 1000)
    outbox.enqueue(
        session,
        team_id=person.team_id,
        key=f"win-post:{logged.win.id}:{stamp}",
        method="chat.postMessage",
        payload=public_post(logged, person.display_name, vocabulary.names, channel),
    )
    return None


def _take_down(session: Any, services: Services, person: Person, win_id: int) -> None:
    """Cancel a queued post of the win, and delete one already in the channel."""
    posted = outbox.withdraw(session, team_id=person.team_id, key_prefix=f"win-post:{win_id}:", now=services.clock())
    for message in posted:
        outbox.enqueue(
            session,
            team_id=person.team_id,
            key=f"win-unpost:{win_id}:{message['ts']}",
            method="chat.delete",
            payload={"channel": message["channel"], "ts": message["ts"]},
        )


def _modal(
    services: Services,
    person: Person,
    form: WinForm,
    *,
    text: str = "",
    evidence_url: str | None = None,
    existing: LoggedWin | None = None,
    subject: Person | None = None,
) -> Any:
    """The win form; for a manager it asks whose win it is, and offers the competencies of that person."""
    with services.db.session() as session:
        vocabulary = _vocabulary(services, session, subject or person)
        reports = reports_of(session, manager=person) if existing is None else []
        plan = [(o.id, o.title) for o in objectives(session, person=subject or person, open_only=True) if o.id]
        if existing is not None and existing.win.objective_id and existing.win.objective_id not in dict(plan):
            kept = session.get(Objective, existing.win.objective_id)
            plan += [(kept.id, kept.title)] if kept is not None and kept.id else []
    whose = [(person.slack_user_id, "Me"), *((r.slack_user_id, r.display_name or r.slack_user_id) for r in reports)]
    return win_modal(
        form,
        competencies=vocabulary.offered,
        level_id=vocabulary.target_level,
        today=local_today(subject or person, services.clock()),
        text=text,
        evidence_url=evidence_url,
        existing=existing,
        whose=whose if reports else (),
        subject=(subject or person).slack_user_id,
        objectives=plan,
    )


def whose_changed(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """A manager chose whose win it is: offer that person's competencies (what was typed stays)."""
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    chosen = (action.get("selected_option") or {}).get("value") or person.slack_user_id
    subject = (
        person
        if chosen == person.slack_user_id
        else person_for(client, services, team_id=person.team_id, user_id=chosen)
    )
    view = body["view"]
    form = WinForm.load(view["private_metadata"])
    updated = _modal(services, person, form, subject=subject).to_dict()
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=updated)


def _details(values: dict[str, Any], kept_text: str) -> Details:
    def value(block: str) -> dict[str, Any]:
        return (values.get(block) or {}).get(Action.WIN_FIELD) or {}

    chosen = value(Block.WIN_COMPETENCIES).get("selected_options") or []
    objective = (value(Block.WIN_OBJECTIVE).get("selected_option") or {}).get("value")
    happened = value(Block.WIN_DATE).get("selected_date")
    visibility = (value(Block.WIN_VISIBILITY).get("selected_option") or {}).get("value") or Visibility.PRIVATE.value
    return Details(
        text=(value(Block.WIN_TEXT).get("value") or "") if Block.WIN_TEXT in values else kept_text,
        what=value(Block.WIN_WHAT).get("value"),
        how=value(Block.WIN_HOW).get("value"),
        why=value(Block.WIN_WHY).get("value"),
        evidence_url=value(Block.WIN_LINK).get("value"),
        happened_on=date.fromisoformat(happened) if happened else None,
        visibility=Visibility(visibility),
        competencies=[option["value"] for option in chosen],
        objective_id=int(objective) if objective else None,
    )


def _change(respond: Respond, context: BoltContext, change: Any) -> None:
    """Apply a button's change to the person's own win and redraw the message in place."""
    services, person = services_of(context), context[PERSON_KEY]
    try:
        with services.db.session() as session:
            vocabulary = _vocabulary(services, session, person)
            logged = change(session, person, services.clock())
            note = _sync_public(session, services, person, logged, vocabulary)
    except GrowthError as error:
        respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    services.dispatcher.drain(team_id=person.team_id)
    fallback, blocks = _answer(logged, vocabulary, note=note)
    respond(text=fallback, blocks=[block.to_dict() for block in blocks], replace_original=True)


def _tell(client: WebClient, person: Person, form: WinForm, text: str, blocks: list[dict[str, Any]]) -> None:
    """After the modal: replace the message it came from, else an ephemeral where it started, else the DM."""
    shown: dict[str, Any] = {"text": text, **({"blocks": blocks} if blocks else {})}
    if form.response_url:
        WebhookClient(form.response_url).send(**shown, replace_original=True)
        return
    if form.channel:
        try:
            client.chat_postEphemeral(channel=form.channel, user=person.slack_user_id, **shown)
            return
        except SlackApiError:
            pass  # not in that channel: the DM always works
    client.chat_postMessage(channel=person.slack_user_id, **shown)


def _say(body: dict[str, Any], client: WebClient, person: Person, text: str) -> None:
    channel = (body.get("container") or {}).get("channel_id") or person.slack_user_id
    try:
        client.chat_postEphemeral(channel=channel, user=person.slack_user_id, text=text)
    except SlackApiError:
        client.chat_postMessage(channel=person.slack_user_id, text=text)
