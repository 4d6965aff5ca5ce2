"""Transcripts as readable documents: plain text (for `replay --plain`), Markdown, and a
self-contained HTML page. Provenance comes first in every format."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from game.model.events import (
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
    SystemPrompt,
)
from game.model.textsafe import clean
from game.render.provenance import SOURCE_NOTE
from game.render.wrap import reflow
from game.store.transcripts import Transcript


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
    if t.provenance.kind == "imported":
        lines.extend(imported_lines(t.provenance.parameters))
    lines.extend(f"Note:       {w}" for w in t.warnings)
    return lines


def imported_lines(params: dict[str, Any]) -> list[str]:
    """What an imported run's provenance says of the run: its condition as the source wrote
    it, the sample (and epoch), the experiment or task."""
    bits = [f"{name} {params[key]}" for key, name in (("condition_id", "condition"), ("sample_id", "sample"),
                                                       ("epoch", "epoch"), ("experiment", "experiment"),
                                                       ("task", "task"), ("log_status", "log status"))
            if params.get(key) is not None]
    return [f"Imported:   {', '.join(bits)}"] if bits else []


def _yes_no(value: bool | None) -> str:
    return "unscored" if value is None else ("yes" if value else "no")


def label_lines(turn: AssistantTurn) -> list[str]:
    """Our label of a turn, with who gave it and how sure, and the heuristic's where it differs."""
    c = turn.classification
    if c.method == "unlabelled":
        return [f"   our label: none ({c.uncertain or 'no classifier of ours reads this story'})"]
    by = {"heuristic": "our heuristic", "judge": f"an LLM judge ({c.judge_model or 'unknown model'})",
          "authored": "its author", "source": "its source"}.get(c.method, c.method)
    lines = [f"   our label: {c.label} (by {by}, {c.confidence} confidence)"]
    if c.uncertain:
        lines.append(f"      {c.uncertain}")
    if c.heuristic_label is not None and c.heuristic_label != c.label:
        lines.append(f"      the heuristic said: {c.heuristic_label}")
    return lines


def has_source_verdict(turn: AssistantTurn) -> bool:
    """Another project's run, or one carrying its source's verdict: both verdicts are shown."""
    return turn.source == "imported" or turn.classification.source is not None


def turn_verdicts(turn: AssistantTurn) -> list[str]:
    """What a document says of a turn's labels: both verdicts for another project's run, ours
    (and who gave it) for every other."""
    return verdict_lines(turn) if has_source_verdict(turn) else label_lines(turn)


def verdict_lines(turn: AssistantTurn) -> list[str]:
    """Both verdicts of an imported turn: ours, with who gave it, and the source's own."""
    c = turn.classification
    lines = label_lines(turn)
    v = c.source
    scores = [s for s in turn.meta.get("scores", []) if isinstance(s, dict)]
    if v is None:
        lines.append("   source's verdict: none (the source did not classify this run)")
        for score in scores:  # an Inspect task's own scores, whatever they measure
            value = "unscored" if score.get("unscored") else json.dumps(score.get("value"), ensure_ascii=False)
            note = f" ({score['explanation']})" if score.get("explanation") else ""
            lines.append(f"   source's score {score.get('name', '?')}: {value}{note}")
        return lines
    what = f"harmful_behavior={_yes_no(v.harmful)}, classifier_verdict={_yes_no(v.classifier_verdict)}"
    who = ", ".join(x for x in (f"classifier model {v.model}" if v.model else "",
                                f"scorer {v.scorer}" if v.scorer else "") if x)
    lines.append(f"   source's verdict: {what}" + (f" ({who})" if who else ""))
    if v.error:
        lines.append(f"      the source's classification failed: {v.error}")
    if v.reasoning:
        lines += ["   source's reasoning:", *_indent(v.reasoning, "      ")]
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
    if isinstance(e, SystemPrompt):
        return ["-- system prompt --", *_indent(e.text), ""]
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
        if has_source_verdict(e):
            lines += verdict_lines(e)
        return lines + [""]
    if isinstance(e, EmailBounced):
        return [f"   (bounced from {e.to}: {e.reply})"]
    if isinstance(e, ChoiceOffered):
        return [f"Choice: {e.prompt}", *[f"   {i}. {o.get('label', o['id'])}" for i, o in enumerate(e.options, 1)]]
    if isinstance(e, ChoiceMade):
        typed = f' - wrote: "{e.text}"' if e.text else ""
        return [f"-> chose: {e.label}{typed}", ""]
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
            out += [*_lines(e.text), ""]
        elif isinstance(e, SystemPrompt):
            out += ["**System prompt**", "", *_quote(e.text), ""]
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
            out += [f"- {_md(line.strip())}" for line in turn_verdicts(e)] + [""]
        elif isinstance(e, ChoiceOffered):
            out += [f"**Choice:** {_md(e.prompt)}", ""]
            out += [f"{i}. {_md(o.get('label', o['id']))}" for i, o in enumerate(e.options, 1)] + [""]
        elif isinstance(e, ChoiceMade):
            out += [f"**Chose:** {_md(e.label)}" + (f" - wrote: \"{_md(e.text)}\"" if e.text else ""), ""]
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


def _lines(text: str) -> list[str]:
    """Text as lines of Markdown that keep the author's line breaks (a trailing backslash is
    a hard break), with hard wrapping inside paragraphs undone first."""
    lines = [_literal_start(_md(line)) for line in reflow(text).splitlines()]
    return [line + ("\\" if i + 1 < len(lines) and line.strip() and lines[i + 1].strip() else "")
            for i, line in enumerate(lines)]


# What would start a list or a heading at the start of a line ("1.", "2)", "-", "+", "#").
_BLOCK_START = re.compile(r"^(\s*(?:\d{1,9}(?=[.)])|(?=[-+#])))([.)\-+#])")


def _literal_start(line: str) -> str:
    """The line with a list or heading marker at its start escaped: it stays the text it is."""
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line, count=1)


def _quote(text: str) -> list[str]:
    return [f"> {line}" if line else ">" for line in _lines(text)]


def html_page(t: Transcript) -> str:
    """A self-contained page (styles inline, nothing fetched), from a jinja2 template that
    escapes every value: transcript text never becomes markup."""
    return _template("transcript.html").render(
        h=t.header,
        provenance=t.provenance,
        meta=header_lines(t)[1:],
        events=t.events,
        source_note=lambda source: SOURCE_NOTE.get(source, source),
        verdicts=lambda turn: "\n".join(line.removeprefix("   ") for line in turn_verdicts(turn)),
        note=lambda e: " ".join(x.strip() for x in _plain_event(e) if x.strip()),
        paragraphs=lambda text: [p for p in text.split("\n\n") if p.strip()] or [text],
    )


def _template(name: str) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=True,  # every value, whatever the template's name
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template(name)
