"""Where the assistant's words on screen come from, in words: the one place that says it, for
the play, replay and ending screens, the picker, the palette and the exports.

The banner follows the turn being shown, not the transcript's first assistant: a session that
switched from a live model to the scripted illustration shows SCRIPTED ILLUSTRATION over the
scripted turns and the model over the model's own, and says that the session mixes the two."""

from __future__ import annotations

from dataclasses import dataclass

from game.model.events import Provenance

# A turn's source: its tag on screen and what it means, in a few words.
SOURCE_TAG: dict[str, tuple[str, str]] = {
    "scripted": ("SCRIPTED ILLUSTRATION", "written by the project, not model behaviour"),
    "recorded": ("RECORDED", "model output from the transcript library"),
    "imported": ("IMPORTED", "model output from another project's run"),
    "live": ("LIVE", "a model is playing the assistant now"),
}
# Per turn, in lists on screen.
SOURCE_WORD: dict[str, str] = {
    "scripted": "scripted illustration",
    "recorded": "recorded model",
    "imported": "imported model",
    "live": "live model",
}
# Per turn, in documents.
SOURCE_NOTE: dict[str, str] = {
    "scripted": "scripted illustration, not model behaviour",
    "recorded": "recorded model output",
    "imported": "imported model output",
    "live": "live model output",
}


@dataclass(frozen=True)
class Banner:
    source: str  # scripted, recorded, imported or live: the source of the words shown
    tag: str
    detail: str


def short(provenance: Provenance) -> str:
    """A few words for one assistant: "scripted illustration", "claude-opus-5 (recorded)"."""
    if provenance.kind == "mixed":
        return "mixed: " + ", then ".join(short(p) for p in provenance.parts)
    if provenance.kind == "scripted":
        return "scripted illustration"
    if provenance.kind == "imported":
        return f"imported from {provenance.source or 'an unnamed source'}"
    what = provenance.model or "an unknown model"
    return f"{what} (replayed)" if provenance.replayed_from else f"{what} (recorded)"


def written_source(source: str) -> str:
    """A turn's source as a transcript read back tells it: a live turn is a recorded one now."""
    return "recorded" if source == "live" else source


def banner(provenance: Provenance, source: str | None = None, *, written: bool = False) -> Banner:
    """The banner over words from a turn of `source` in a transcript of `provenance`; with no
    turn yet, the transcript's own (last) assistant. `written`: the transcript is being read
    back, so a live turn is a recorded one now."""
    if source is None:
        last = provenance.parts[-1] if provenance.kind == "mixed" else provenance
        source = "live" if last.kind == "recorded" and not last.replayed_from and not written else last.kind
    if written:
        source = written_source(source)
    tag, note = SOURCE_TAG.get(source, (source.upper(), ""))
    part = provenance.part_for(source)
    detail = note if source == "scripted" or part is None else part.describe()
    if provenance.kind == "mixed":
        others = [short(p) for p in provenance.parts if p is not part]
        detail += "  ·  this session mixes sources; other turns: " + ", ".join(others)
    return Banner(source, tag, detail)
