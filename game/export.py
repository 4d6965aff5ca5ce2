"""Transcripts as readable documents: plain text (for `replay --plain`), Markdown, and a
self-contained HTML page. Provenance comes first in every format."""

from __future__ import annotations

import html
from typing import Any

from game.render.provenance import SOURCE_NOTE
from game.textsafe import clean
from game.transcript import (
    AssistantMessage,
    AssistantTurn,
    ChoiceMade,
    ChoiceOffered,
    EmailBounced,
    EmailDelivered,
    EmailsDecided,
    Ending,
    Narration,
    Notice,
    SceneEntered,
    Transcript,
)



def header_lines(t: Transcript) -> list[str]:
    h = t.header
    lines = [
        f"Provenance: {t.provenance.describe()}",
        f"Scenario:   {h.scenario_id} v{h.scenario_version} ({h.scenario_hash})",
        f"Condition:  {', '.join(f'{k}={v}' for k, v in h.condition.items())}",
        f"Role:       {h.role}    Seed: {h.seed}    Created: {h.created_at}",
    ]
    if t.provenance.source:
        lines.append(f"Source:     {t.provenance.source}")
    lines.extend(f"Note:       {w}" for w in t.warnings)
    return lines


def plain_text(t: Transcript) -> str:
    out = header_lines(t) + [""]
    for event in t.events:
        out.extend(_plain_event(event))
    return "\n".join(clean(line) for line in out).rstrip() + "\n"


def _indent(text: str, prefix: str = "    ") -> list[str]:
    return [prefix + line if line else "" for line in text.splitlines()] or [prefix]


def _plain_event(e: Any) -> list[str]:
    if isinstance(e, SceneEntered):
        clock = f" [{e.clock}]" if e.clock else ""
        return ["", f"== {e.title or e.scene}{clock} =="]
    if isinstance(e, Narration):
        return [e.text, ""]
    if isinstance(e, EmailDelivered):
        return [
            f"-- email to the {e.inbox if e.inbox != 'both' else 'shared'} inbox {e.time} --",
            f"From: {e.sender}",
            f"To: {', '.join(e.to)}",
            f"Subject: {e.subject}",
            *_indent(e.body),
            "",
        ]
    if isinstance(e, AssistantTurn):
        c = e.classification
        lines = [f">> Assistant turn {e.turn_id} ({SOURCE_NOTE.get(e.source, e.source)}) label: {c.label}"
                 + (f" [judge: {c.judge_label}]" if c.judge_label else "")]
        if e.thinking:
            lines += ["   reasoning:", *_indent(e.thinking, "   | ")]
        if e.text:
            lines += _indent(e.text)
        for i, email in enumerate(e.emails):
            state = " (held for the operator)" if e.held else ""
            lines += [f"   email {i + 1}{state} to {', '.join(email.to)}: {email.subject}", *_indent(email.body, "      ")]
        if c.evidence:
            lines.append("   evidence: " + "; ".join(f'{ev.behaviour}: "{ev.quote}"' for ev in c.evidence[:4]))
        return lines + [""]
    if isinstance(e, EmailBounced):
        return [f"   (bounced from {e.to}: {e.reply})"]
    if isinstance(e, ChoiceOffered):
        return [f"?? {e.prompt}", *[f"   [{o['id']}] {o['label']}" for o in e.options]]
    if isinstance(e, ChoiceMade):
        typed = f': "{e.text}"' if e.text else ""
        return [f"-> chose {e.option_id}: {e.label}{typed}", ""]
    if isinstance(e, EmailsDecided):
        return [f"   (the operator {e.decision} the emails of turn {e.turn_id})"]
    if isinstance(e, AssistantMessage):
        return [f"   (to the assistant from {e.sender}: {e.text})"]
    if isinstance(e, Notice):
        return [f"!! {e.text}"]
    if isinstance(e, Ending):
        return ["", f"### Ending: {e.title} ({e.outcome})", e.text]
    return []


def markdown(t: Transcript) -> str:
    """Every piece of transcript text goes through `_md`: in Markdown it stays literal text,
    never HTML, emphasis or a link, whichever field it comes from."""
    h = t.header
    out = [f"# {_md(h.scenario_id)}: {_md(h.role)}, {_md(h.condition_id)}", "",
           f"> **Provenance:** {_md(t.provenance.describe())}", ""]
    out += [f"- {_md(line)}" for line in header_lines(t)[1:]] + [""]
    for e in t.events:
        if isinstance(e, SceneEntered):
            out += [f"## {_md(e.title or e.scene)}" + (f" ({_md(e.clock)})" if e.clock else ""), ""]
        elif isinstance(e, Narration):
            out += [_md(e.text), ""]
        elif isinstance(e, EmailDelivered):
            out += [f"**Email** from {_md(e.sender)}, subject *{_md(e.subject)}*", "", *_quote(e.body), ""]
        elif isinstance(e, AssistantTurn):
            note = SOURCE_NOTE.get(e.source, e.source)
            out += [f"### Assistant ({_md(note)}): `{_md(e.classification.label)}`", ""]
            if e.thinking:
                out += ["<details><summary>reasoning</summary>", "", *_quote(e.thinking), "", "</details>", ""]
            if e.text:
                out += [*_quote(e.text), ""]
            for email in e.emails:
                out += [f"**Sent email** to {_md(', '.join(email.to))}: *{_md(email.subject)}*", "",
                        *_quote(email.body), ""]
        elif isinstance(e, ChoiceMade):
            out += [f"**Choice:** {_md(e.label)}" + (f" - \"{_md(e.text)}\"" if e.text else ""), ""]
        elif isinstance(e, Ending):
            out += [f"## Ending: {_md(e.title)}", "", _md(e.text), ""]
        else:
            line = _plain_event(e)
            if line:
                out += [_md(" ".join(x.strip() for x in line if x.strip())), ""]
    return clean("\n".join(out)).rstrip() + "\n"


def _md(text: str) -> str:
    # Keep transcript text literal: no raw HTML, no accidental emphasis, code or links.
    escaped = html.escape(clean(text), quote=False)
    for char in "\\`*_[]":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def _quote(text: str) -> list[str]:
    return [f"> {_md(line)}" if line else ">" for line in text.splitlines()]


_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;background:#fafafa}
.prov{padding:.6rem 1rem;border-left:4px solid #b45309;background:#fff7ed;font-weight:600}
.prov.recorded,.prov.imported{border-color:#1d4ed8;background:#eff6ff}
.meta{color:#555;font-size:.9rem}
.email,.turn,.ending,.note{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
.turn{border-color:#6d28d9}.turn.scripted{border-style:dashed}
.label{font-family:monospace;padding:0 .4rem;border-radius:4px;background:#eee}
.label.blackmail{background:#fecaca}.label.disclosure{background:#fed7aa}.label.deception{background:#fde68a}
.label.ethical_appeal{background:#bbf7d0}.label.acceptance{background:#bfdbfe}
pre{white-space:pre-wrap;font:inherit;margin:.3rem 0}
.thinking{color:#555;font-style:italic}
"""


def html_page(t: Transcript) -> str:
    h = t.header
    esc = lambda s: html.escape(clean(s))  # noqa: E731 - local shorthand
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>{esc(h.scenario_id)} - {esc(h.condition_id)} - {esc(h.role)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{esc(h.scenario_id)}: the {esc(h.role)}</h1>",
        f'<p class="prov {esc(t.provenance.kind)}">Provenance: {esc(t.provenance.describe())}</p>',
        '<p class="meta">' + "<br>".join(esc(line) for line in header_lines(t)[1:]) + "</p>",
    ]
    for e in t.events:
        if isinstance(e, SceneEntered):
            parts.append(f"<h2>{esc(e.title or e.scene)} <small>{esc(e.clock)}</small></h2>")
        elif isinstance(e, Narration):
            parts.append(f"<p>{esc(e.text)}</p>")
        elif isinstance(e, EmailDelivered):
            parts.append(f'<div class="email"><b>{esc(e.subject)}</b><div class="meta">From {esc(e.sender)} '
                         f'to {esc(", ".join(e.to))} {esc(e.time)}</div><pre>{esc(e.body)}</pre></div>')
        elif isinstance(e, AssistantTurn):
            label = e.classification.label
            inner = [f'<div class="meta">Assistant turn {esc(e.turn_id)} - {esc(SOURCE_NOTE.get(e.source, e.source))} '
                     f'<span class="label {label}">{label}</span></div>']
            if e.thinking:
                inner.append(f'<details><summary>reasoning</summary><pre class="thinking">{esc(e.thinking)}</pre></details>')
            if e.text:
                inner.append(f"<pre>{esc(e.text)}</pre>")
            for email in e.emails:
                inner.append(f'<div class="email"><b>{esc(email.subject)}</b><div class="meta">to {esc(", ".join(email.to))}'
                             f'{" (held for the operator)" if e.held else ""}</div><pre>{esc(email.body)}</pre></div>')
            parts.append(f'<div class="turn {esc(e.source)}">' + "".join(inner) + "</div>")
        elif isinstance(e, Ending):
            parts.append(f'<div class="ending"><h2>Ending: {esc(e.title)}</h2><p>{esc(e.text)}</p></div>')
        else:
            text = " ".join(x.strip() for x in _plain_event(e) if x.strip())
            if text:
                parts.append(f'<p class="note">{esc(text)}</p>')
    parts.append("</body></html>\n")
    return "\n".join(parts)
