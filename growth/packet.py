"""The promotion packet: for each competency of the target level, the expectation and the evidence.

A person asks for their own packet; their confirmed manager may ask for it too, and sees only what the
person shared with them (`growth.visibility`). Nobody else can."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from growth.errors import GrowthError, NotAllowed
from growth.feedback import Said, closed_rounds, quotes
from growth.frameworks.model import Framework
from growth.levels import NoLevelYet, names_in, position, workspace_catalogue
from growth.notices import Notice, PacketRequested
from growth.roadmap import LABELS, Status, objectives
from growth.visibility import OWNER, Role, Sight, sight
from growth.wins import LoggedWin, log_of
from storage.models import Person


@dataclass(frozen=True)
class Section:
    competency: str
    expectation: str
    wins: list[LoggedWin]
    quotes: list[Said] = field(default_factory=list)  # from feedback rounds (named, or anonymous and shown)


@dataclass(frozen=True)
class Packet:
    person: str
    level: str
    target: str
    framework: str  # title, version and revision
    made_on: date
    sections: list[Section]
    untagged: list[LoggedWin]  # evidence not yet tied to a competency of the target
    roadmap: list[tuple[str, str, str, date | None]]  # (objective, competency, status, due)

    @property
    def gaps(self) -> list[str]:
        return [section.competency for section in self.sections if not section.wins]


@dataclass(frozen=True)
class Requested:
    seen: Sight  # what the packet will show: everything, or what is shared with the manager
    notices: list[Notice]


def request(
    session: Session, *, viewer: Person, subject: Person, defaults: tuple[Framework, ...], now: datetime, request: str
) -> Requested:
    """`viewer` asks for `subject`'s packet (their own, or a report's): it goes to the viewer's DM."""
    name = subject.display_name or "them"
    seen = audience(session, viewer=viewer, subject=subject)
    cat, _ = workspace_catalogue(session, subject.team_id, defaults, now)
    if position(subject, cat) is None:
        if seen.own:
            raise NoLevelYet()
        raise GrowthError(f"{name} has not set a level and target yet, so there is no packet.")
    return Requested(seen, [PacketRequested(subject, viewer, seen, request)])


def audience(session: Session, *, viewer: Person, subject: Person) -> Sight:
    """What `viewer` may see in `subject`'s packet: all of it (their own), or what was shared with the
    confirmed manager. Asked again just before the files go: a link may have ended meanwhile."""
    seen = sight(session, viewer=viewer, person=subject)
    if seen.role not in (Role.OWNER, Role.MANAGER):
        name = subject.display_name or "them"
        raise NotAllowed(f"Only {name}'s confirmed manager can ask for {name}'s packet.")
    return seen


def build_packet(
    session: Session,
    *,
    person: Person,
    defaults: tuple[Framework, ...],
    now: datetime,
    today: date,
    seen: Sight = OWNER,
    viewer: Person | None = None,
) -> Packet:
    """Everything the log proves about the target level, as far as `seen` shows it (to `viewer`, when
    it is not the person's own: feedback they were shown)."""
    cat, stored = workspace_catalogue(session, person.team_id, defaults, now)
    where = position(person, cat)
    if where is None:
        raise NoLevelYet()
    target = where.target
    version = stored[target.framework.name]
    log = log_of(session, person=person, seen=seen)
    expected = target.framework.expectations_at(target.level.id)
    ids = {competency.id for competency, _ in expected}
    said = quotes(closed_rounds(session, person=person, seen=seen, viewer=viewer))
    sections = [
        Section(
            competency.name,
            expectation.text,
            [w for w in log if competency.id in w.competencies],
            said.get(competency.id, []),
        )
        for competency, expectation in expected
    ]
    untagged = [w for w in log if not ids.intersection(w.competencies)]
    names = names_in(cat)
    roadmap = [
        (o.title, names.get(o.competency_id, o.competency_id), LABELS[Status(o.status)], o.due_on)
        for o in objectives(session, person=person)
    ]
    return Packet(
        person=person.display_name or person.slack_user_id,
        level=f"{where.level.id} · {where.level.title}",
        target=f"{target.level.id} · {target.level.title}",
        framework=f"{version.framework.title} {version.framework.version} (revision {version.revision})",
        made_on=today,
        sections=sections,
        untagged=untagged,
        roadmap=roadmap,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def to_markdown(packet: Packet) -> str:
    out = [
        f"# Promotion packet: {packet.person}",
        "",
        f"- Level: {packet.level}",
        f"- Target: {packet.target}",
        f"- Framework: {packet.framework}",
        f"- Made on: {packet.made_on.isoformat()}",
        "",
    ]
    if packet.gaps:
        out += [f"**Competencies without evidence yet:** {', '.join(packet.gaps)}", ""]
    for section in packet.sections:
        out += [f"## {section.competency}", "", f"> {packet.target.split(' · ')[0]} expects: {section.expectation}", ""]
        if not section.wins:
            out += ["_No evidence yet: a gap._", ""]
        for logged in section.wins:
            out += _markdown_win(logged)
        out += _markdown_quotes(section.quotes)
    if packet.untagged:
        out += ["## Other wins", "", "_Not tagged with a competency of the target level._", ""]
        for logged in packet.untagged:
            out += _markdown_win(logged)
    if packet.roadmap:
        out += ["## Roadmap", ""]
        out += [
            f"- {title} ({competency}): {status}" + (f", due {due.isoformat()}" if due else "")
            for title, competency, status, due in packet.roadmap
        ]
    return "\n".join(out).rstrip() + "\n"


def _markdown_quotes(said: list[Said]) -> list[str]:
    if not said:
        return []
    lines = ["**What others said:**", ""]
    lines += [f"> “{_one_line(s.text)}”" + (f" — {s.by}" if s.by else "") for s in said[:12]]
    return [*lines, ""]


def _markdown_win(logged: LoggedWin) -> list[str]:
    win = logged.win
    by = f" _(logged by {logged.logged_by})_" if logged.logged_by else ""
    lines = [f"- **{win.happened_on.isoformat()}**: {_one_line(win.text)}{by}"]
    for label, value in (("What", win.what), ("How", win.how), ("Why it mattered", win.why)):
        if value:
            lines.append(f"  - {label}: {_one_line(value)}")
    if win.evidence_url:
        lines.append(f"  - Evidence: <{win.evidence_url}>")
    return [*lines, ""]


STYLE = """
body { font: 11pt/1.45 Georgia, serif; max-width: 46em; margin: 2em auto; color: #222; }
h1 { font-size: 20pt; margin-bottom: 0.2em; } h2 { font-size: 14pt; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
.meta { color: #555; } .expects { font-style: italic; color: #333; } .gap { color: #a04000; font-weight: bold; }
li { margin-bottom: 0.5em; } .date { font-weight: bold; } .detail { color: #444; }
@media print { body { margin: 0; } h2 { break-after: avoid; } li { break-inside: avoid; } a { color: inherit; } }
"""


def to_html(packet: Packet) -> str:
    e = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Promotion packet: {e(packet.person)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Promotion packet: {e(packet.person)}</h1>",
        f'<p class="meta">Level {e(packet.level)} · target {e(packet.target)}<br>'
        f"{e(packet.framework)} · made on {packet.made_on.isoformat()}</p>",
    ]
    if packet.gaps:
        parts.append(f'<p class="gap">Competencies without evidence yet: {e(", ".join(packet.gaps))}</p>')
    target_id = packet.target.split(" · ")[0]
    for section in packet.sections:
        parts.append(f"<h2>{e(section.competency)}</h2>")
        parts.append(f'<p class="expects">{e(target_id)} expects: {e(section.expectation)}</p>')
        if not section.wins:
            parts.append('<p class="gap">No evidence yet: a gap.</p>')
        else:
            parts.append("<ul>" + "".join(_html_win(w) for w in section.wins) + "</ul>")
        if section.quotes:
            parts.append(
                '<p class="detail">What others said:</p>'
                + "".join(
                    f"<blockquote>“{e(s.text)}”" + (f" — {e(s.by)}" if s.by else "") + "</blockquote>"
                    for s in section.quotes[:12]
                )
            )
    if packet.untagged:
        parts.append("<h2>Other wins</h2><ul>" + "".join(_html_win(w) for w in packet.untagged) + "</ul>")
    if packet.roadmap:
        items = "".join(
            f"<li>{e(title)} ({e(competency)}): {e(status)}" + (f", due {due.isoformat()}" if due else "") + "</li>"
            for title, competency, status, due in packet.roadmap
        )
        parts.append(f"<h2>Roadmap</h2><ul>{items}</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_win(logged: LoggedWin) -> str:
    e, win = html.escape, logged.win
    details = "".join(
        f'<br><span class="detail">{label}: {e(value)}</span>'
        for label, value in (("What", win.what), ("How", win.how), ("Why it mattered", win.why))
        if value
    )
    link = ""
    if win.evidence_url and win.evidence_url.startswith(("https://", "http://")):
        link = f' <a href="{e(win.evidence_url, quote=True)}">evidence</a>'
    by = f' <span class="detail">(logged by {e(logged.logged_by)})</span>' if logged.logged_by else ""
    return f'<li><span class="date">{win.happened_on.isoformat()}</span>: {e(win.text)}{by}{link}{details}</li>'


CSV_COLUMNS = ("date", "text", "what", "how", "why", "evidence", "competencies", "visibility", "logged_at")


def _cell(value: str) -> str:
    """A spreadsheet runs a cell that starts like a formula; a leading quote keeps it text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def log_csv(session: Session, *, person: Person) -> str:
    """The whole log, one win a row, for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for logged in log_of(session, person=person):
        win = logged.win
        row = [
            win.happened_on.isoformat(),
            win.text,
            win.what or "",
            win.how or "",
            win.why or "",
            win.evidence_url or "",
            " ".join(logged.competencies),
            win.visibility,
            win.created_at.isoformat(),
        ]
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()
