"""Asks on the clock: the reminder before the need-by date, and "how did it go?" after "Try it out".

Both are outbox rows written with the ask (or its decision) and composed when sent, so a reminder for
an ask decided in the meantime, or a follow-up already answered, is simply not sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from blocks.asks import ask_for_manager, follow_up
from delivery.dispatcher import NothingToSend, Sender, post_once
from delivery.kinds import ASK_FOLLOW_UP, ASK_REMINDER
from growth import asks
from growth.errors import GrowthError
from growth.frameworks.model import Framework
from storage.db import Database
from storage.outbox import Claimed


def senders(db: Database, frameworks: tuple[Framework, ...], clock: Callable[[], datetime]) -> dict[str, Sender]:
    def remind(client: WebClient, row: Claimed) -> dict[str, Any]:
        with db.session() as session:
            found = _found(session, row)
            if not asks.reminder_wanted(found.ask):
                raise NothingToSend("decided before the reminder")
            name = asks.competency_name(session, ask=found.ask, defaults=frameworks, now=clock())
        text, blocks = ask_for_manager(found, name, reminder=True)
        payload = {"channel": found.manager.slack_user_id, "text": text, "blocks": [b.to_dict() for b in blocks]}
        return post_once(client, row.key, payload, in_doubt=row.in_doubt)

    def ask_how_it_went(client: WebClient, row: Claimed) -> dict[str, Any]:
        with db.session() as session:
            found = _found(session, row)
        if not asks.follow_up_wanted(found.ask):
            raise NothingToSend("not approved, or the outcome is logged already")
        text, blocks = follow_up(found)
        payload = {"channel": found.person.slack_user_id, "text": text, "blocks": [b.to_dict() for b in blocks]}
        return post_once(client, row.key, payload, in_doubt=row.in_doubt)

    return {ASK_REMINDER: remind, ASK_FOLLOW_UP: ask_how_it_went}


def _found(session: Any, row: Claimed) -> asks.Parties:
    try:
        return asks.parties(session, team_id=row.team_id, ask_id=int(row.payload["ask_id"]))
    except GrowthError:
        raise NothingToSend("the ask is gone") from None
