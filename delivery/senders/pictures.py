"""App Home pictures: drawn and uploaded (files upload v2, shared in no channel) when what they show
changed, then the App Home is shown again with the image blocks that reference the new files."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from delivery.dispatcher import NothingToSend, Sender
from delivery.home import show_home
from delivery.kinds import PICTURE
from growth import pictures
from growth.frameworks.model import Framework
from growth.home import home_of
from storage.db import Database
from storage.models import Person
from storage.outbox import Claimed

log = logging.getLogger(__name__)
ALT_TXT_LIMIT = 1_000  # files.getUploadURLExternal's alt_txt


def senders(db: Database, frameworks: tuple[Framework, ...], clock: Callable[[], datetime]) -> dict[str, Sender]:
    def picture(client: WebClient, row: Claimed) -> dict[str, Any]:
        now = clock()
        with db.session() as session:
            person = session.get(Person, int(row.payload["person_id"]))
            if person is None or person.team_id != row.team_id:
                raise NothingToSend("the person is gone")
            kind = str(row.payload["kind"])
            drawing = pictures.drawing_of(session, person=person, kind=kind, defaults=frameworks, now=now)
            if drawing is None:
                raise NothingToSend("nothing to draw any more")
            file_id = pictures.current(session, person=person, drawing=drawing)
        replaced = None
        if file_id is None:  # a retry after the upload went through draws and uploads nothing again
            uploaded = client.files_upload_v2(
                content=drawing.png(),
                filename=f"{drawing.kind}.png",
                title=drawing.title,
                alt_txt=drawing.alt[:ALT_TXT_LIMIT],
            )
            file_id = str(uploaded["file"]["id"])
            with db.session() as session:
                replaced = pictures.remember(session, person=person, drawing=drawing, file_id=file_id, now=now)
        with db.session() as session:
            home = home_of(session, person=person, defaults=frameworks, now=now)
        show_home(client, person, home)
        if replaced is not None:
            _forget(client, replaced, person)
        return {"file_id": file_id}

    return {PICTURE: picture}


def _forget(client: WebClient, file_id: str, person: Person) -> None:
    """The picture it replaces is shown nowhere any more: delete it from Slack (a failure costs only space)."""
    try:
        client.files_delete(file=file_id)
    except SlackApiError as error:
        code = error.response.get("error")
        log.warning("could not delete the old picture team=%s file=%s: %s", person.team_id, file_id, code)
