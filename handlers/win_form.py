"""The full win form: `/win` alone, the "Log as a win" message shortcut, Edit, and "Whose win?" for a
manager logging one for a report."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.webhook import WebhookClient

from blocks.ids import ActionId, BlockId, CallbackId
from blocks.text import escape, from_slack_markup
from blocks.wins import WinForm, win_answer, win_modal
from growth import wins
from growth.errors import GrowthError
from growth.people import local_today
from growth.visibility import Visibility
from growth.vocabulary import win_vocabulary
from growth.win_form import form_choices
from growth.wins import Details, LoggedWin
from handlers.middleware import PERSON_KEY
from handlers.parsing import choice, day, loaded, row_id, selected, values_of, view_of
from handlers.people import person_for
from handlers.services import Services, services_of
from storage.models import Person


def log_as_win(ack: Ack, shortcut: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """From any message: the form, filled with the message's words and a link to it."""
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    message, channel = shortcut.get("message") or {}, (shortcut.get("channel") or {}).get("id")
    permalink = None
    with suppress(SlackApiError):  # the link is a nicety; the words are what matter
        permalink = client.chat_getPermalink(channel=channel, message_ts=shortcut["message_ts"])["permalink"]
    form = WinForm(f"shortcut:{shortcut['trigger_id']}", channel=channel)
    text = from_slack_markup(message.get("text") or "")
    open_form(client, services, person, form, trigger_id=shortcut["trigger_id"], text=text, evidence_url=permalink)


def open_form(
    client: WebClient,
    services: Services,
    person: Person,
    form: WinForm,
    *,
    trigger_id: str,
    text: str = "",
    evidence_url: str | None = None,
    existing: LoggedWin | None = None,
) -> None:
    view = _modal(services, person, form, text=text, evidence_url=evidence_url, existing=existing)
    client.views_open(trigger_id=trigger_id, view=view.to_dict())


def win_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services, person = services_of(context), context[PERSON_KEY]
    form = loaded(WinForm.load, view.get("private_metadata"))
    values = values_of(view)
    chosen = selected(values, BlockId.WIN_FOR, ActionId.WIN_FOR)
    if chosen and chosen != person.slack_user_id and form.win_id is None:
        _log_for_report(ack, client, services, person, form, values, chosen)
        return
    work = services.work()
    now = work.now  # one moment for the whole change
    try:
        with work:
            vocabulary = win_vocabulary(work.session, person=person, defaults=services.frameworks, now=now)
            if form.win_id is not None:
                existing = wins.own_win(work.session, person=person, win_id=form.win_id)
                details = _details(values, existing.text)
                changed = wins.edit(work.session, person=person, win_id=form.win_id, details=details, now=now)
            else:
                changed = wins.log(
                    work.session,
                    person=person,
                    details=_details(values, ""),
                    source=form.request_key.split(":", 1)[0],
                    request_key=form.request_key,
                    today=local_today(person, now),
                    now=now,
                )
            work.notify(changed.notices)
    except GrowthError as error:
        if BlockId.WIN_TEXT not in values:
            raise  # the error handler shows it on a field the modal has
        ack(response_action="errors", errors={BlockId.WIN_TEXT: str(error)[:150]})
        return
    with work.sending():  # the answer first, then this change's own messages
        ack()
        if not changed.logged.created and form.win_id is None:
            return  # the same modal submitted again: stored once, confirmed once
        fallback, blocks = win_answer(changed.logged, vocabulary, edited=form.win_id is not None, note=changed.note)
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
    report = person_for(client, services, asker=manager, user_id=user_id)
    work = services.work()
    now = work.now  # one moment for the whole change
    try:
        with work:
            changed = wins.log_for(
                work.session,
                manager=manager,
                report=report,
                details=_details(values, ""),
                source=form.request_key.split(":", 1)[0],
                request_key=form.request_key,
                today=local_today(report, now),
                now=now,
            )
            work.notify(changed.notices)
    except GrowthError as error:
        ack(response_action="errors", errors={BlockId.WIN_FOR: str(error)[:150]})
        return
    with work.sending():  # the answer first, then this change's own messages
        ack()
        if not changed.logged.created:
            return
        name = escape(report.display_name or "them")
        _tell(
            client,
            manager,
            form,
            f"Logged a win for {name}; they have been told, and it is theirs to edit or delete.",
            [],
        )


def whose_changed(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """A manager chose whose win it is: offer that person's competencies and objectives (what was typed
    stays)."""
    ack()
    services, person = services_of(context), context[PERSON_KEY]
    view = view_of(body, CallbackId.WIN)
    form = loaded(WinForm.load, view.get("private_metadata"))
    user_id = (action.get("selected_option") or {}).get("value") or person.slack_user_id
    chosen = person_for(client, services, asker=person, user_id=user_id) if user_id != person.slack_user_id else None
    updated = _modal(services, person, form, chosen=chosen).to_dict()
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=updated)


def _modal(
    services: Services,
    person: Person,
    form: WinForm,
    *,
    text: str = "",
    evidence_url: str | None = None,
    existing: LoggedWin | None = None,
    chosen: Person | None = None,
) -> View:
    """The win form; for a manager it asks whose win it is, and offers the competencies of that person."""
    now = services.clock()
    with services.db.session() as session:
        choices = form_choices(
            session,
            author=person,
            defaults=services.frameworks,
            now=now,
            chosen=chosen,
            editing=existing.win if existing is not None else None,
        )
    reports = choices.reports
    whose = [(person.slack_user_id, "Me"), *((r.slack_user_id, r.display_name or r.slack_user_id) for r in reports)]
    return win_modal(
        form,
        competencies=choices.vocabulary.offered,
        level_id=choices.vocabulary.target_level,
        today=local_today(choices.subject, now),
        text=text,
        evidence_url=evidence_url,
        existing=existing,
        whose=whose if reports else (),
        subject=choices.subject.slack_user_id,
        objectives=[(o.id, o.title) for o in choices.objectives if o.id],
    )


def _details(values: dict[str, Any], kept_text: str) -> Details:
    def value(block: str) -> dict[str, Any]:
        return (values.get(block) or {}).get(ActionId.WIN_FIELD) or {}

    chosen = value(BlockId.WIN_COMPETENCIES).get("selected_options") or []
    objective = (value(BlockId.WIN_OBJECTIVE).get("selected_option") or {}).get("value")
    visibility = (value(BlockId.WIN_VISIBILITY).get("selected_option") or {}).get("value") or Visibility.PRIVATE.value
    return Details(
        text=(value(BlockId.WIN_TEXT).get("value") or "") if BlockId.WIN_TEXT in values else kept_text,
        what=value(BlockId.WIN_WHAT).get("value"),
        how=value(BlockId.WIN_HOW).get("value"),
        why=value(BlockId.WIN_WHY).get("value"),
        evidence_url=value(BlockId.WIN_LINK).get("value"),
        happened_on=day(value(BlockId.WIN_DATE).get("selected_date")),
        visibility=choice(Visibility, visibility),
        competencies=[option["value"] for option in chosen],
        objective_id=row_id(objective) if objective else None,
    )


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
