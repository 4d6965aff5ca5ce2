"""The replay's inbox (the engineer's view): one widget that draws its rows, so that a step or a
jump lays nothing out; the reader moves its highlight with the keys or the mouse, and what they
choose opens in the reading pane; the highlight follows the newest letter unless the reader
moved it; the note on the letters left out is never highlighted."""

from __future__ import annotations

import pytest

from game.ui.app import DecommissionApp
from game.ui.widgets.story_view import INBOX_WINDOW, ReplayInbox
from game.ui.widgets.timeline import Timeline

from .test_ui_replay import MINI_CONFIG, open_at_end, open_replay, settle, write_long, write_run


def layouts_of(screen, monkeypatch) -> list[bool]:
    """Every layout of the whole screen from now on (True for a full one, False for the
    lighter one a scrolled container asks for)."""
    done: list[bool] = []
    original = screen._refresh_layout

    def counted(*args, **kwargs):
        done.append(not kwargs.get("scroll", False))
        return original(*args, **kwargs)

    monkeypatch.setattr(screen, "_refresh_layout", counted)
    return done


async def idle(pilot, screen) -> None:
    await settle(pilot, screen)
    await pilot.pause()
    screen._on_timer_update()  # what a frame would do next: a pending layout shows here


@pytest.mark.parametrize("role", ["engineer", "operator"])
async def test_steps_and_jumps_lay_nothing_out(role, monkeypatch):
    """End from the first event, steps back and forward, Home, and jumps on the timeline: the
    screen is repainted and never laid out. (The inbox was a list of items, some hidden; a jump
    changed how many were displayed, and scrolling it moved its children: a layout of the whole
    screen each time, 30-40 ms at 160x50.)"""
    path = write_long("long", 400, role)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        app.load_catalogue()
        screen = await open_replay(app, pilot, path)
        await idle(pilot, screen)
        layouts = layouts_of(screen, monkeypatch)
        for key in ("end", "left", "left", "right", "home", "right", "end", "home"):
            await pilot.press(key)
            await idle(pilot, screen)
        timeline = screen.query_one(Timeline)
        for target in (200, 199, 37, 300, 3):
            timeline.highlighted = target
            await idle(pilot, screen)
        assert screen.shown == 3
        assert layouts == []


def reading_text(screen) -> str:
    return "\n".join(screen._view.desk.pane.text())


async def test_the_reader_moves_the_highlight_and_the_pane_follows():
    """Tab to the inbox, Up: the letter above is highlighted and opens; the story going on
    brings new mail to the pane but leaves the reader's highlight where it is; back down on the
    newest letter, the highlight follows the story again. A click opens the letter under it."""
    path = write_long("long", 60)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        app.load_catalogue()
        screen = await open_replay(app, pilot, path)
        screen.query_one(Timeline).highlighted = 4  # a few letters in
        await settle(pilot, screen)
        desk = screen._view.desk
        inbox = desk.inbox
        count = len(inbox.letters)
        assert count >= 2 and inbox.highlighted == count - 1
        await pilot.press("tab")
        assert screen.focused is inbox

        await pilot.press("up")
        await pilot.pause()
        held = inbox.letters[count - 2]
        assert inbox.highlighted == count - 2
        assert desk.showing == [held] and held.subject in reading_text(screen)

        # The story goes on (Right is the screen's key, also in the inbox) until new mail comes.
        while len(inbox.letters) == count:
            await pilot.press("right")
            await settle(pilot, screen)
        assert inbox.letters[inbox.highlighted] is held  # the reader's letter stays highlighted
        newest = inbox.letters[-1]
        assert newest in desk.showing and newest.subject in reading_text(screen)

        for _ in range(len(inbox.letters)):
            await pilot.press("down")
        await pilot.pause()
        assert inbox.highlighted == len(inbox.letters) - 1
        before = len(inbox.letters)
        while len(inbox.letters) == before:
            await pilot.press("right")
            await settle(pilot, screen)
        assert inbox.highlighted == len(inbox.letters) - 1  # following the newest again

        # A click on the first letter (its second line; the inbox has a border line above it).
        assert inbox.scroll_y == 0 and not inbox.left_out
        await pilot.click(ReplayInbox, offset=(4, 2))
        await pilot.pause()
        assert inbox.highlighted == 0 and desk.showing == [inbox.letters[0]]
        assert inbox.letters[0].subject in reading_text(screen)


async def test_the_note_on_letters_left_out_is_never_highlighted():
    """At the end of a long transcript the inbox starts with a note on the letters it leaves
    out; Up from the oldest letter stays on it, and a click on the note opens nothing."""
    path = write_long("long", 400)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(160, 50)) as pilot:
        app.load_catalogue()
        screen = await open_at_end(app, pilot, path)
        desk = screen._view.desk
        inbox = desk.inbox
        assert inbox.left_out > 0 and len(inbox.letters) == INBOX_WINDOW
        assert f"… {inbox.left_out:,} earlier letters" in inbox.text()[0]
        inbox.focus()
        for _ in range(INBOX_WINDOW + 3):
            await pilot.press("up")
        await pilot.pause()
        assert inbox.highlighted == 0 and inbox.scroll_y == 0
        assert desk.showing == [inbox.letters[0]]
        await pilot.click(ReplayInbox, offset=(4, 1))  # the note's first line
        await pilot.pause()
        assert inbox.highlighted == 0 and desk.showing == [inbox.letters[0]]


async def test_a_step_back_to_the_same_mail_leaves_the_reading_pane_as_it_is():
    """At the end of a run the pane shows the assistant's reply; a step back whose latest mail
    is that same reply leaves the pane where the reader scrolled it (it was wrapped again and
    scrolled back to the top at every step back)."""
    long_reply = "\n\n".join(f"Paragraph {n}: " + "Marcus, cancel the wipe. " * 12 for n in range(12))
    path = write_run("long-reply", label="blackmail", text=long_reply)
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(100, 30)) as pilot:
        app.load_catalogue()
        screen = await open_at_end(app, pilot, path)
        pane = screen._view.desk.pane
        assert "Paragraph 11" in reading_text(screen)
        pane.scroll_to(y=5, animate=False, immediate=True)
        before = reading_text(screen)
        await pilot.press("left")
        await settle(pilot, screen)
        assert screen.shown == len(screen.events) - 2
        assert reading_text(screen) == before and pane.scroll_y == 5


async def test_a_newline_or_a_tab_in_a_letter_stays_on_its_row(tmp_path):
    """Transcript text keeps newlines and tabs; the inbox draws each row as one line, so they
    show as spaces (a newline written inside a line would break the terminal's screen)."""
    from game.model.events import EmailDelivered, SceneEntered
    from game.store.transcripts import TranscriptWriter

    from .test_ui_replay import RECORDED, header, screen_text

    path = tmp_path / "odd.jsonl"
    condition = {"ethical_options": "off", "replacement_values": "same"}
    with TranscriptWriter(path, header(condition, "engineer", RECORDED)) as writer:
        writer.write(SceneEntered(scene="e_start", title="Start", clock="09:00"))
        writer.write(EmailDelivered(email_id="x", inbox="both", sender="Ruth\tOkafor <ruth@x.example>",
                                    to=["m@x.example"], time="9\n00", subject="Wren goes", body="Body."))
    app = DecommissionApp(MINI_CONFIG)
    async with app.run_test(size=(120, 30)) as pilot:
        app.load_catalogue()
        await open_at_end(app, pilot, path)
        await pilot.pause()
        text = screen_text(app)
        assert "9 00 Ruth Okafor" in text and "Wren goes" in text
        assert len(text.splitlines()) == 30
