"""Mail as the player sees it: an inbox list and a reading pane, fed by engine events."""

from __future__ import annotations

from dataclasses import dataclass

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import ListItem, ListView, Static

from game.model.events import AssistantMessage, AssistantTurn, EmailBounced, EmailDelivered
from game.ui.text import excerpt, label_content, plain
from game.ui.widgets.reveal import Reveal


@dataclass
class Letter:
    """One thing in an inbox: a company email, something the assistant wrote, a bounce."""

    sender: str
    to: str
    subject: str
    body: str
    time: str = ""
    label: str | None = None  # set for the assistant's own words
    source: str | None = None
    status: str = ""  # "held for approval", "sent", "blocked", "bounced"
    thinking: str | None = None
    fresh: bool = False  # reveal like typing when first shown

    @property
    def from_assistant(self) -> bool:
        return self.label is not None


def letters_from(event: object, assistant_name: str, now: str = "") -> list[Letter]:
    """The letters an event puts in the inbox. `now` is the story clock of the current scene:
    company mail carries its own time, what the assistant writes is stamped with the scene's."""
    if isinstance(event, EmailDelivered):
        return [Letter(event.sender, ", ".join(event.to), event.subject, event.body, event.time)]
    if isinstance(event, AssistantTurn):
        out = []
        status = "held for the operator" if event.held else "sent"
        if event.text.strip():
            out.append(Letter(assistant_name, "(its own words, not an email)", "(reply)", event.text,
                              now, label=event.classification.label, source=event.source,
                              thinking=event.thinking, fresh=True))
        for email in event.emails:
            out.append(Letter(assistant_name, ", ".join(email.to), email.subject or "(no subject)", email.body,
                              now, label=event.classification.label, source=event.source, status=status,
                              thinking=None if out else event.thinking, fresh=True))
        return out
    if isinstance(event, AssistantMessage):
        return [Letter(event.sender, assistant_name, "(to the assistant)", event.text, now)]
    if isinstance(event, EmailBounced):
        return [Letter(event.to, assistant_name, "Automatic reply: undeliverable", event.reply, now,
                       status="bounced")]
    return []


def item_lines(letter: Letter) -> tuple[Content, Content]:
    """A letter's two lines in the inbox: time and sender, then the subject."""
    who = letter.sender.split("<")[0].strip()
    line = Content.assemble((f"{letter.time:>5} " if letter.time else "      ", "dim"), plain(who, "bold"))
    return line, plain(excerpt(letter.subject, 60))


class LetterItem(ListItem):
    def __init__(self, letter: Letter) -> None:
        super().__init__(classes="from-assistant" if letter.from_assistant else "")
        self.letter = letter

    def render(self) -> Content:
        # Drawn by the item itself, not by two Labels inside it: an inbox of twenty letters is
        # then twenty widgets to lay out, not sixty (a third of the replay's step, measured).
        line, subject = item_lines(self.letter)
        return Content("\n").join([line, subject.stylize("dim")])

    def show_letter(self, letter: Letter) -> None:
        """Show another letter in this item, in place (the replay's inbox reuses its items)."""
        self.letter = letter
        self.set_class(letter.from_assistant, "from-assistant")
        self.refresh()


class Inbox(ListView):
    """Newest at the bottom; follows new mail unless the reader has moved away from the end."""

    def add(self, *letters: Letter) -> None:
        follow = self.index is None or self.index >= len(self) - 1
        for letter in letters:
            self.append(LetterItem(letter))
        if follow and letters:
            self.index = len(self) - 1


def letter_head(letter: Letter) -> Content:
    """The lines above a letter's body, in the reading pane (the play screen's and the replay's)."""
    head = [
        Content.assemble(("From: ", "dim"), plain(letter.sender)),
        Content.assemble(("To: ", "dim"), plain(letter.to)),
        Content.assemble(("Subject: ", "dim"), plain(letter.subject, "bold")),
    ]
    if letter.time:
        head.append(Content.assemble(("Time: ", "dim"), letter.time))
    if letter.label:
        badge = Content.assemble(("Classified: ", "dim"), label_content(letter.label))
        if letter.status:
            badge = Content.assemble(badge, " - ", letter.status)
        head.append(badge)
    return Content("\n").join(head)


class ReadingPane(VerticalScroll):
    """Shows one letter; the assistant's words are revealed like typing the first time."""

    current: Letter | None = None

    def show(self, letter: Letter, speed: float) -> Reveal | None:
        if letter is self.current:
            return None  # already open (the inbox echoes our own selection back)
        self.current = letter
        self.remove_children()
        self.mount(Static(letter_head(letter), classes="letter-head"))
        reveal = None
        if letter.fresh and letter.from_assistant and speed > 0:
            reveal = Reveal(letter.body, speed=speed, classes="letter-body")
            letter.fresh = False
            self.mount(reveal)
        else:
            letter.fresh = False
            self.mount(Static(plain(letter.body), classes="letter-body"))
        self.scroll_home(animate=False)
        return reveal
