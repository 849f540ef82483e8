"""Files the outbox sends: each is made from its row when sent, so the row itself stays small."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from delivery.dispatcher import Gone, NothingToSend, Upload, UploadMaker
from delivery.kinds import ASSESSMENT_CHART, PACKET, PERSONAL_DATA
from growth.charts import assessment_chart
from growth.errors import NotAllowed
from growth.frameworks.model import Framework
from growth.packet import Packet, PdfUnavailable, audience, build_packet, paper_for, to_html, to_markdown, to_pdf
from growth.people import find_person, local_today
from growth.personal_data import export_data
from storage.db import Database
from storage.models import Person
from storage.outbox import Claimed


def makers(db: Database, frameworks: tuple[Framework, ...], clock: Callable[[], datetime]) -> dict[str, UploadMaker]:
    def chart(row: Claimed) -> Upload:
        with db.session() as session:
            made = assessment_chart(session, team_id=row.team_id, assessment_id=int(row.payload["assessment_id"]))
        if made is None:
            raise Gone(f"assessment {row.payload['assessment_id']}")
        return Upload(made.user_id, made.filename, made.title, made.alt_txt, made.png)

    def packet(row: Claimed) -> Upload:
        now = clock()
        with db.session() as session:
            person = session.get(Person, int(row.payload["person_id"]))
            if person is None or person.team_id != row.team_id:
                raise Gone(f"person {row.payload['person_id']}")
            viewer = find_person(session, team_id=row.team_id, user_id=str(row.payload.get("to") or "")) or person
            try:
                seen = audience(session, viewer=viewer, subject=person)
            except NotAllowed:
                raise NothingToSend("the one who asked is no longer allowed to see it") from None
            made = build_packet(
                session,
                person=person,
                defaults=frameworks,
                now=now,
                today=local_today(person, now),
                seen=seen,
                viewer=viewer,
            )
            paper = paper_for(viewer.tz)
        kind = str(row.payload.get("format") or "md")
        try:
            content, suffix, note = _packet_file(made, kind, paper)
        except PdfUnavailable as error:
            raise Gone(str(error)) from None
        target = made.target_id or "no-level"
        filename = f"packet-{target}-{made.made_on.isoformat()}.{suffix}"
        title = f"Promotion packet: {made.person}" + (f", {made.target_id}" if made.target_id else "") + note
        recipient = str(row.payload.get("to") or person.slack_user_id)
        return Upload(recipient, filename, title, title, content)

    def personal_data(row: Claimed) -> Upload:
        """Everything Trellis holds about the person, as of now (it may have grown since they asked)."""
        now = clock()
        with db.session() as session:
            person = session.get(Person, int(row.payload["person_id"]))
            if person is None or person.team_id != row.team_id or person.slack_user_id != row.payload.get("to"):
                raise Gone(f"person {row.payload['person_id']}")  # deleted since: nothing left to send
            data = export_data(session, person=person, now=now)
        content = json.dumps(data, ensure_ascii=False, indent=2).encode()
        title = "Everything Trellis holds about you"
        return Upload(person.slack_user_id, f"trellis-data-{now:%Y-%m-%d}.json", title, title, content)

    return {ASSESSMENT_CHART: chart, PACKET: packet, PERSONAL_DATA: personal_data}


def _packet_file(made: Packet, kind: str, paper: str) -> tuple[bytes, str, str]:
    """(content, file suffix, what to add to the title) of one of the packet's files."""
    if kind == "pdf":
        return to_pdf(made, paper=paper), "pdf", f" (PDF, {paper})"
    if kind == "html":
        return to_html(made).encode(), "html", " (printable)"
    return to_markdown(made).encode(), "md", ""
