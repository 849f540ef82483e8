"""The packet as Markdown: the same reading order as the printable page, for a DM or a wiki."""

from __future__ import annotations

from growth.charts import Standing, standing_alt
from growth.feedback import Choice, Said
from growth.packet.model import Packet, PacketWin, Readiness, Section, WalkedAway
from growth.wins import READINESS_WEEKS


def one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    """Table cells: one line, and a pipe that cannot end the cell."""
    return one_line(text).replace("|", "\\|")


def scale_word(packet: Packet, step: int | None) -> str:
    return packet.scale[step - 1] if step and 0 < step <= len(packet.scale) else "not assessed"


def feedback_words(spread: dict[Choice, int]) -> str:
    answered = sum(n for choice, n in spread.items() if choice is not Choice.NOT_SEEN)
    if not answered:
        return "none yet"
    return f"{spread.get(Choice.CONSISTENTLY, 0)} of {answered} consistently"


def readiness_words(readiness: Readiness) -> str:
    """ "6 of 12", and how many weeks the suggested wins would make it."""
    said = f"{readiness.weeks} of {READINESS_WEEKS}"
    if readiness.suggested_weeks > readiness.weeks:
        said += f" ({readiness.suggested_weeks} with suggested)"
    return said


def readiness_line(packet: Packet, section: Section) -> str:
    readiness = section.readiness
    said = f"Wins in {readiness.weeks} of the last {READINESS_WEEKS} weeks"
    if readiness.suggested_weeks > readiness.weeks:
        said += f" ({readiness.suggested_weeks} counting suggested wins)"
    return (
        f"{said} · self-assessment: {scale_word(packet, section.self_rated)} · "
        f"feedback: {feedback_words(section.feedback)}"
    )


def standings(packet: Packet) -> list[Standing]:
    return [
        Standing(s.competency, s.expected, s.self_rated, {choice.value: n for choice, n in s.feedback.items() if n})
        for s in packet.sections
    ]


def period_line(packet: Packet) -> str:
    wins = f"{packet.wins_in_all:,} win{'s' if packet.wins_in_all != 1 else ''}"
    if packet.period is None:
        return f"No wins logged yet · made on {packet.made_on.isoformat()}"
    first, last = packet.period
    return f"Evidence from {first.isoformat()} to {last.isoformat()} ({wins}) · made on {packet.made_on.isoformat()}"


def to_markdown(packet: Packet) -> str:
    out = [f"# Promotion packet: {one_line(packet.person)}", ""]
    if packet.target is not None:
        out += [f"- Level: {packet.level}", f"- Target: {packet.target}", f"- Framework: {packet.framework}"]
    else:
        out += [f"- **Level missing:** {packet.missing_level}"]
    out += [f"- {period_line(packet)}", ""]
    if packet.audience:
        out += [f"_{packet.audience}_", ""]
    if packet.sections:
        out += _glance(packet)
    for section in packet.sections:
        out += _section(packet, section)
    if packet.other or packet.other_more or packet.other_asks:
        out += ["## Other wins", ""]
        if packet.target_id:
            out += [f"_They match no competency of {packet.target_id}, by their tags or their words._", ""]
        out += _wins(packet.other, packet.other_more)
        out += _asks(packet.other_asks)
    if packet.roadmap:
        out += ["## Roadmap", ""]
        out += [
            f"- {one_line(o.title)} ({o.competency}): {o.status}" + (f", due {o.due.isoformat()}" if o.due else "")
            for o in packet.roadmap
        ]
    return "\n".join(out).rstrip() + "\n"


def _glance(packet: Packet) -> list[str]:
    target = packet.target_id or ""
    out = [
        "## At a glance",
        "",
        f"| Competency | {target} expects | Self-assessed | Feedback | Weeks with wins, of {READINESS_WEEKS} | Wins |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in packet.sections:
        wins = f"{s.readiness.wins}" + (f" (+{s.readiness.suggested} suggested)" if s.readiness.suggested else "")
        out.append(
            f"| {_cell(s.competency)} | {scale_word(packet, s.expected)} | {scale_word(packet, s.self_rated)} "
            f"| {feedback_words(s.feedback)} | {readiness_words(s.readiness)} | {wins} |"
        )
    out.append("")
    if packet.gaps:
        out += ["**The three largest gaps**", ""]
        out += [f"{n}. **{gap.competency}**: {gap.why}" for n, gap in enumerate(packet.gaps, start=1)]
        out.append("")
    if packet.charted and packet.target_id:
        out += [f"_Chart (in the HTML and PDF): {standing_alt(standings(packet), packet.scale, packet.target_id)}_", ""]
    return out


def _section(packet: Packet, section: Section) -> list[str]:
    out = [f"## {section.competency}", "", f"> {packet.target_id} expects: {one_line(section.expectation)}", ""]
    out += [readiness_line(packet, section), ""]
    if section.wins or section.more:
        out += ["### Evidence", ""]
        if any(win.suggested for win in section.wins):
            out += [
                f"_Wins marked suggested were placed here by Trellis from their words; {packet.person} can "
                "confirm them in one tap from the App Home._",
                "",
            ]
        out += _wins(section.wins, section.more)
    if section.asks:
        out += ["### Walked away with a win", ""]
        out += _asks(section.asks)
    out += _quotes(section.quotes)
    if section.missing:
        out += ["### What is missing", ""]
        out += [f"- {line}" for line in section.missing]
        out.append("")
    return out


def _wins(wins: list[PacketWin], more: int) -> list[str]:
    out = []
    for win in wins:
        marks = "".join(
            f" _({mark})_"
            for mark, on in (
                (f"logged by {win.logged_by}", bool(win.logged_by)),
                ("suggested", win.suggested),
                ("walked away with a win", win.walked_away),
            )
            if on
        )
        out.append(f"- **{win.happened_on.isoformat()}**: {one_line(win.text)}{marks}")
        for label, value in (("What", win.what), ("How", win.how), ("Why it mattered", win.why)):
            if value:
                out.append(f"  - {label}: {one_line(value)}")
        if win.evidence_url:
            out.append(f"  - Evidence: <{win.evidence_url}>")
        out.append("")
    if more:
        out += [f"_…and {more:,} earlier win{'s' if more != 1 else ''}, in the full log._", ""]
    return out


def _asks(asks: list[WalkedAway]) -> list[str]:
    out = []
    for ask in asks:
        when = f", tried out from {ask.decided_on.isoformat()}" if ask.decided_on else ""
        mark = " _(suggested)_" if ask.suggested else ""
        out.append(f"- **{one_line(ask.decision)}**: recommended {one_line(ask.recommendation)}{when}{mark}")
        if ask.outcome is not None:
            out.append(f"  - How it went: {one_line(ask.outcome.text)}")
        else:
            out.append("  - How it went: not logged yet")
        out.append("")
    return out


def _quotes(said: list[Said]) -> list[str]:
    if not said:
        return []
    lines = ["### What others said", ""]
    lines += [f"> “{one_line(s.text)}”" + (f" — {s.by}" if s.by else "") for s in said]
    return [*lines, ""]
