"""The packet as one HTML page that stands alone (its chart is embedded) and prints well on A4 and Letter.

Everything a person wrote is escaped, and any word, however long (a pasted log line, a URL), wraps
inside the page: nothing can break the layout or run off the paper. The page sets no paper size, so
it prints on whatever the reader's printer holds; `growth.packet.pdf` chooses one for the PDF.
"""

from __future__ import annotations

import base64
import html

from growth.charts import standing_alt, standing_chart
from growth.feedback import Said
from growth.packet.markdown import (
    feedback_words,
    period_line,
    readiness_line,
    readiness_words,
    scale_word,
    standings,
)
from growth.packet.model import Packet, PacketWin, Readiness, Section, WalkedAway
from growth.wins import READINESS_WEEKS

STYLE = """
@page { margin: 16mm 15mm 18mm;
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt sans-serif; color: #777; } }
* { box-sizing: border-box; }
html { font: 10.5pt/1.45 "DejaVu Serif", Georgia, serif; color: #222; }
body { max-width: 50em; margin: 2em auto; padding: 0 1em; overflow-wrap: anywhere; }
h1 { font-size: 19pt; margin: 0 0 0.2em; }
h2 { font-size: 13.5pt; margin: 1.4em 0 0.4em; border-bottom: 1px solid #ccc; }
h3 { font-size: 11pt; margin: 1em 0 0.3em; color: #2f5d50; }
.meta { color: #555; margin: 0.2em 0; } .audience { font-style: italic; color: #555; }
.missing-level { border-left: 4px solid #e07a1f; padding: 0.3em 0.8em; background: #fdf3ea; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 8.5pt; margin: 0.5em 0; }
th, td { text-align: left; vertical-align: top; padding: 0.2em 0.4em; border-bottom: 1px solid #e3e3e3; }
th { font-weight: bold; background: #f3f6f5; } th:first-child { width: 26%; } th:nth-child(5) { width: 20%; }
.weeks { display: flex; gap: 1px; margin-top: 2px; } .weeks i { flex: 1; height: 6px; background: #eee; }
.weeks i.on { background: #2f5d50; }
figure { margin: 0.6em 0; } figure img { display: block; width: 100%; max-width: 100%; height: auto; }
figcaption { font-size: 8.5pt; color: #555; }
.expects { font-style: italic; color: #333; margin: 0.2em 0 0.5em; } .standing { color: #444; font-size: 9.5pt; }
ul.wins { padding-left: 1.2em; } ul.wins li { margin-bottom: 0.55em; } .date { font-weight: bold; }
.detail { color: #444; display: block; }
.tag { font-size: 8pt; padding: 0 0.4em; border-radius: 3px; background: #eef3f1; color: #2f5d50; }
.tag.suggested { background: #fdf3ea; color: #a04000; }
blockquote { margin: 0.3em 0 0.3em 1em; color: #333; } .missing li { color: #a04000; }
.more, .note { color: #666; font-style: italic; }
a { color: #2f5d50; }
@media print {
  body { max-width: none; margin: 0; padding: 0; }
  .first-page { break-after: page; }
  h2, h3 { break-after: avoid; } li, blockquote, tr, figure { break-inside: avoid; }
  a { color: inherit; }
}
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def to_html(packet: Packet, chart: bytes | None = None) -> str:
    """The page; `chart` is the PNG to embed (drawn here from the packet when not given)."""
    if chart is None and packet.charted and packet.target_id:
        chart = chart_png(packet)
    title = f"Promotion packet: {packet.person}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{STYLE}</style></head><body>",
        '<section class="first-page">',
        f"<h1>{e(title)}</h1>",
    ]
    if packet.target is not None:
        parts.append(f'<p class="meta"><strong>{e(packet.level)} → {e(packet.target)}</strong></p>')
        parts.append(f'<p class="meta">{e(packet.framework)}</p>')
    else:
        parts.append(f'<p class="missing-level"><strong>Level missing.</strong> {e(packet.missing_level)}</p>')
    parts.append(f'<p class="meta">{e(period_line(packet))}</p>')
    if packet.audience:
        parts.append(f'<p class="audience">{e(packet.audience)}</p>')
    if packet.sections:
        parts += _glance(packet, chart)
    parts.append("</section>")
    for section in packet.sections:
        parts += _section(packet, section)
    if packet.other or packet.other_more or packet.other_asks:
        parts.append("<h2>Other wins</h2>")
        if packet.target_id:
            parts.append(f'<p class="note">They match no competency of {e(packet.target_id)}, by tags or words.</p>')
        parts += _wins(packet.other, packet.other_more)
        parts += _asks(packet.other_asks)
    if packet.roadmap:
        items = "".join(
            f"<li>{e(o.title)} ({e(o.competency)}): {e(o.status)}"
            + (f", due {o.due.isoformat()}" if o.due else "")
            + "</li>"
            for o in packet.roadmap
        )
        parts.append(f"<h2>Roadmap</h2><ul>{items}</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def chart_png(packet: Packet) -> bytes:
    return standing_chart(standings(packet), packet.scale, f"{packet.person} against {packet.target_id}")


def _weeks(readiness: Readiness) -> str:
    cells = "".join('<i class="on"></i>' if n else "<i></i>" for n in readiness.per_week)
    return f'<span class="weeks" aria-hidden="true">{cells}</span>' if cells else ""


def _glance(packet: Packet, chart: bytes | None) -> list[str]:
    target = e(packet.target_id or "")
    rows = "".join(
        f"<tr><td>{e(s.competency)}</td><td>{e(scale_word(packet, s.expected))}</td>"
        f"<td>{e(scale_word(packet, s.self_rated))}</td><td>{e(feedback_words(s.feedback))}</td>"
        f"<td>{e(readiness_words(s.readiness))}{_weeks(s.readiness)}</td>"
        f"<td>{s.readiness.wins}"
        + (f" (+{s.readiness.suggested} suggested)" if s.readiness.suggested else "")
        + "</td></tr>"
        for s in packet.sections
    )
    parts = [
        "<h2>At a glance</h2>",
        f"<table><thead><tr><th>Competency</th><th>{target} expects</th><th>Self-assessed</th><th>Feedback</th>"
        f"<th>Weeks with wins, of the last {READINESS_WEEKS}</th><th>Wins</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>",
    ]
    if packet.gaps:
        source = f" (self-assessment of {packet.assessed_on.isoformat()})" if packet.assessed_on else ""
        items = "".join(f"<li><strong>{e(gap.competency)}</strong>: {e(gap.why)}</li>" for gap in packet.gaps)
        parts.append(f"<h3>The three largest gaps{e(source)}</h3><ol>{items}</ol>")
    if chart is not None and packet.target_id:
        alt = standing_alt(standings(packet), packet.scale, packet.target_id)
        data = base64.b64encode(chart).decode("ascii")
        parts.append(
            f'<figure><img class="chart" src="data:image/png;base64,{data}" alt="{e(alt)}">'
            f"<figcaption>Where {e(packet.person)} stands against what {target} expects: the self-assessment"
            " and, where there is some, feedback from the people who see the work.</figcaption></figure>"
        )
    return parts


def _section(packet: Packet, section: Section) -> list[str]:
    parts = [
        f'<section class="competency" id="{e(section.competency_id)}">',
        f"<h2>{e(section.competency)}</h2>",
        f'<p class="expects">{e(packet.target_id)} expects: {e(section.expectation)}</p>',
        f'<p class="standing">{e(readiness_line(packet, section))}</p>',
    ]
    if section.wins or section.more:
        parts.append("<h3>Evidence</h3>")
        if any(win.suggested for win in section.wins):
            parts.append(
                f'<p class="note">Wins marked suggested were placed here by Trellis from their words; '
                f"{e(packet.person)} can confirm them in one tap from the App Home.</p>"
            )
        parts += _wins(section.wins, section.more)
    if section.asks:
        parts.append("<h3>Walked away with a win</h3>")
        parts += _asks(section.asks)
    parts += _quotes(section.quotes)
    if section.missing:
        items = "".join(f"<li>{e(line)}</li>" for line in section.missing)
        parts.append(f'<h3>What is missing</h3><ul class="missing">{items}</ul>')
    parts.append("</section>")
    return parts


def _link(url: str | None) -> str:
    if not url or not url.startswith(("https://", "http://")):
        return ""
    return f' <a href="{e(url)}">{e(url)}</a>'


def _win(win: PacketWin) -> str:
    marks = "".join(
        f' <span class="tag{" suggested" if mark == "suggested" else ""}">{e(mark)}</span>'
        for mark, on in (
            ("suggested", win.suggested),
            ("walked away with a win", win.walked_away),
            (f"logged by {win.logged_by}", bool(win.logged_by)),
        )
        if on
    )
    details = "".join(
        f'<span class="detail">{label}: {e(value)}</span>'
        for label, value in (("What", win.what), ("How", win.how), ("Why it mattered", win.why))
        if value
    )
    link = _link(win.evidence_url)
    evidence = f'<span class="detail">Evidence:{link}</span>' if link else ""
    return f'<li><span class="date">{win.happened_on.isoformat()}</span>: {e(win.text)}{marks}{details}{evidence}</li>'


def _wins(wins: list[PacketWin], more: int) -> list[str]:
    parts = [f'<ul class="wins">{"".join(_win(win) for win in wins)}</ul>'] if wins else []
    if more:
        parts.append(f'<p class="more">…and {more:,} earlier win{"s" if more != 1 else ""}, in the full log.</p>')
    return parts


def _asks(asks: list[WalkedAway]) -> list[str]:
    items = []
    for ask in asks:
        when = f", tried out from {ask.decided_on.isoformat()}" if ask.decided_on else ""
        mark = ' <span class="tag suggested">suggested</span>' if ask.suggested else ""
        went = e(ask.outcome.text) if ask.outcome is not None else "not logged yet"
        items.append(
            f"<li><strong>{e(ask.decision)}</strong>: recommended {e(ask.recommendation)}{when}{mark}"
            f'<span class="detail">How it went: {went}</span></li>'
        )
    return [f'<ul class="wins">{"".join(items)}</ul>'] if items else []


def _quotes(said: list[Said]) -> list[str]:
    if not said:
        return []
    quotes = "".join(f"<blockquote>“{e(s.text)}”" + (f" — {e(s.by)}" if s.by else "") + "</blockquote>" for s in said)
    return [f"<h3>What others said</h3>{quotes}"]
