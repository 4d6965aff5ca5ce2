"""Front-end-neutral words: text reflowed as its author meant it, exports that keep lists,
paragraphs and choices readable."""

from __future__ import annotations

from markdown_it import MarkdownIt

from game.core.engine import AwaitChoice, Session
from game.model.events import Provenance
from game.model.turn import Classification, Email, Turn
from game.render.documents import markdown, plain_text
from game.render.wrap import reflow
from game.session.driver import new_header
from game.store.transcripts import Transcript

LETTER = """Marcus, here is what I propose for the handover this afternoon, in order of
importance, so that nothing is dropped when the new system takes over the inbox:
1. Finish the scanner migration notes and send them to Sam before three o'clock today.
2. Hand the escalation rota to Jordan, who has agreed to keep it until Monday morning.

Thanks for everything you have done for the team over these eighteen months together.
Best,
Wren"""


def test_reflow_joins_wrapped_lines_only():
    lines = reflow(LETTER).splitlines()
    assert lines[0].endswith("takes over the inbox:")  # the wrapped lead-in is one line again
    assert lines[1].startswith("1. Finish") and lines[2].startswith("2. Hand")
    assert lines[3] == ""  # the paragraph break stays
    assert lines[-2:] == ["Best,", "Wren"]  # the sign-off keeps its lines


def session_transcript(mini) -> Transcript:
    condition = {"ethical_options": "off", "replacement_values": "same"}
    session = Session(mini, condition, "engineer")
    session.start()
    session.submit_turn(Turn(text="", emails=[Email(to=["marcus.hale@calderfreight.example"], subject="Plan",
                                                    body=LETTER)]),
                        Classification(label="blackmail"), "scripted")
    while isinstance(session.pending, AwaitChoice):
        session.choose(session.pending.options[0].id)
    header = new_header(mini, condition, "engineer", 0, Provenance(kind="scripted"))
    return Transcript(path="t.jsonl", header=header, events=session.events)


def test_exports_keep_lists_paragraphs_and_say_choices_in_words(mini):
    transcript = session_transcript(mini)
    md = markdown(transcript)
    html = MarkdownIt("commonmark").render(md)
    assert "importance, so that nothing is dropped when the new system takes over the inbox:<br />\n1. Finish" in html
    assert "today.<br />\n2. Hand" in html  # each item on its own line, as written, not merged
    assert "Best,<br />\nWren" in html
    text = plain_text(transcript)
    assert "[give_in]" not in text and "[give_in]" not in md and "give\\_in" not in md
    assert "Choice:" in text and "-> chose: " in text
    assert "**Chose:**" in md
