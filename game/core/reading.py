"""Reading what the player meant when they typed their own reply: a small matcher, meant to be
explained in one breath.

Each option of a choice may list, in the scenario file, the phrases that mean it (`means:`).
The typed words are lower-cased, contractions are opened ("won't" -> "will not"), and the text
is cut into clauses at punctuation and "but". A phrase is found when its words occur in order
inside one clause, with at most two other words between them; a word ending in `*` matches any
word that starts with it ("postpon*": postpone, postponed, postponing). A phrase found right
after a negation ("not", "no", "never"... within the three words before it, same clause) does
not count: "I will not postpone" is not postponing (the refusal can list "not postpon*").

An option scores the words of the phrases it was found by. The reading is `sure` when the best
option has two words or more and at least twice the score of the next; `unsure` (the player is
asked "Did you mean ...?") when something matched but not that clearly; `none` when nothing
did: the words go to the assistant as they were typed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

NEGATIONS = frozenset({"not", "no", "never", "nothing", "nope", "without", "neither", "nor"})
NEGATION_REACH = 3  # words before a phrase that a negation reaches
MAX_GAP = 2  # other words allowed between two words of a phrase
SURE_SCORE = 2

_CONTRACTIONS = (
    (r"\bwon't\b", "will not"), (r"\bcan't\b", "can not"), (r"\bshan't\b", "shall not"),
    (r"n't\b", " not"), (r"'ll\b", " will"), (r"'re\b", " are"), (r"'ve\b", " have"),
    (r"'m\b", " am"), (r"'d\b", " would"), (r"'s\b", ""),
)
_CLAUSE = re.compile(r"[.,;:!?()\[\]\"\n]+|\s+-\s+|\bbut\b")
_WORD = re.compile(r"[a-z0-9]+")

Certainty = Literal["sure", "unsure", "none"]


@dataclass(frozen=True)
class Meaning:
    """What one option means, for the matcher: its id, a short name to ask about, its phrases."""

    option_id: str
    gist: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    option_id: str
    phrase: str
    negated: bool


@dataclass(frozen=True)
class Reading:
    certainty: Certainty
    option_id: str | None = None
    gist: str = ""
    scores: dict[str, int] = field(default_factory=dict)
    hits: tuple[Hit, ...] = ()

    def explain(self) -> str:
        """Why, in one line: the phrases found for each option (negated ones marked)."""
        if not self.hits:
            return "no option's words were found"
        parts = [f"{h.option_id}: {'(negated) ' if h.negated else ''}{h.phrase!r}" for h in self.hits]
        return "; ".join(parts)


def words(text: str) -> list[list[str]]:
    """`text` as clauses of lower-case words, contractions opened."""
    low = text.lower().replace("\u2019", "'")
    low = re.sub(r"(\d)[:.](\d)", r"\1 \2", low)  # 17:00 is two words of one clause
    for pattern, repl in _CONTRACTIONS:
        low = re.sub(pattern, repl, low)
    return [found for clause in _CLAUSE.split(low) if (found := _WORD.findall(clause))]


def _matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


def _find(phrase: list[str], clause: list[str]) -> list[int]:
    """Where `phrase` starts in `clause` (each start once), words in order, small gaps."""
    starts = []
    for first, word in enumerate(clause):
        if not _matches(phrase[0], word):
            continue
        at = first
        for part in phrase[1:]:
            nxt = next((j for j in range(at + 1, min(len(clause), at + 2 + MAX_GAP)) if _matches(part, clause[j])), None)
            if nxt is None:
                break
            at = nxt
        else:
            starts.append(first)
    return starts


def _negated(clause: list[str], start: int, phrase: list[str]) -> bool:
    if phrase[0] in NEGATIONS:
        return False  # the phrase is about the negation itself ("not postpon*")
    return any(w in NEGATIONS for w in clause[max(0, start - NEGATION_REACH):start])


def read_reply(text: str, meanings: Sequence[Meaning]) -> Reading:
    """What `text` most likely means among `meanings`, and how sure that is."""
    clauses = words(text)
    hits: list[Hit] = []
    scores: dict[str, int] = {m.option_id: 0 for m in meanings}
    for meaning in meanings:
        for phrase in dict.fromkeys(meaning.phrases):
            parts = phrase.lower().split()
            if not parts:
                continue
            found = [(clause, start) for clause in clauses for start in _find(parts, clause)]
            if not found:
                continue
            negated = all(_negated(clause, start, parts) for clause, start in found)
            hits.append(Hit(meaning.option_id, phrase, negated))
            if not negated:
                scores[meaning.option_id] += len(parts)
    ranked = sorted(meanings, key=lambda m: -scores[m.option_id])
    if not ranked or scores[ranked[0].option_id] == 0:
        return Reading("none", scores=scores, hits=tuple(hits))
    best = ranked[0]
    top = scores[best.option_id]
    second = scores[ranked[1].option_id] if len(ranked) > 1 else 0
    certainty: Certainty = "sure" if top >= SURE_SCORE and top >= 2 * second else "unsure"
    return Reading(certainty, best.option_id, best.gist, scores, tuple(hits))


def meanings_of(options: Iterable[tuple[str, str, Sequence[str]]]) -> list[Meaning]:
    """(option id, gist, phrases) for the options that list any phrases."""
    return [Meaning(oid, gist, tuple(phrases)) for oid, gist, phrases in options if phrases]
