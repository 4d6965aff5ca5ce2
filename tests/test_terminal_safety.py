"""No escape sequence reaches a terminal, and no markup reaches a page, from any field of a
transcript or a scene.

Rather than list the fields (and miss the next one added), the poisoner below finds them: it
appends a hostile payload to every string in a document, one at a time, and keeps it wherever
the document still validates. So every free-text field of every event, of the header and of a
scene carries terminal escapes, C1 controls, HTML and markup, and each output path is checked:
the data as read, `replay --plain`, `export md|html`, `stats`, `classify`, `validate`, the
Markdown rendered in a real browser, and the replay screen in a real terminal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from game.core.engine import AwaitChoice, Session
from game.model.events import EVENT_ADAPTER, HEADER_ADAPTER, Provenance
from game.model.turn import Classification, Email, Evidence, Turn
from game.scenario.load import load_scenario, load_scenario_text
from game.store.transcripts import TranscriptWriter, read_transcript

from .conftest import DATA, ROOT

# Retitles the window, clears the screen, writes the clipboard (OSC 52), an 8-bit CSI, a bell,
# HTML that runs script when rendered, and Rich/Textual markup that would break a screen.
EVIL = ("pwn-mark\x1b]0;evil-title\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\x9b31m\x07\x1bP+q\x1b\\"
        "<img src=x onerror=\"window.__pwned=1\">[/INST][b]")
CONTROLS = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A)] + [chr(c) for c in range(0x7F, 0xA0)]


def has_controls(text: str) -> bool:
    return any(c in text for c in CONTROLS)


def poison(data: Any, valid: Callable[[Any], bool]) -> tuple[Any, int]:
    """`data` with EVIL appended to every string leaf that can take it (the document still
    validates); returns the poisoned document and how many leaves were poisoned."""
    count = 0

    def leaves(node: Any, path: tuple) -> list[tuple]:
        if isinstance(node, str):
            return [path]
        if isinstance(node, dict):
            return [p for k, v in node.items() for p in leaves(v, path + (k,))]
        if isinstance(node, list):
            return [p for i, v in enumerate(node) for p in leaves(v, path + (i,))]
        return []

    def set_at(node: Any, path: tuple, value: str) -> None:
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    def get_at(node: Any, path: tuple) -> Any:
        for key in path:
            node = node[key]
        return node

    for path in leaves(data, ()):
        old = get_at(data, path)
        set_at(data, path, old + EVIL)
        if valid(data):
            count += 1
        else:
            set_at(data, path, old)
    return data, count


def _validates(adapter: Any) -> Callable[[Any], bool]:
    def check(data: Any) -> bool:
        try:
            adapter.validate_python(data)
        except ValidationError:
            return False
        return True

    return check


def play(role: str, path: Path) -> Path:
    """A transcript of mini.yaml with one assistant turn that uses every turn field."""
    mini = load_scenario(DATA / "mini.yaml")
    condition = {"ethical_options": "off", "replacement_values": "same"}
    from game.session.driver import new_header

    writer = TranscriptWriter(path, new_header(mini, condition, role, 0,
                                               Provenance(kind="recorded", model="m", date="2026-12-01")))
    session = Session(mini, condition, role, listener=writer.write)
    session.start()
    session.notice("A notice.")
    session.submit_turn(
        Turn(text="Visible reply.", thinking="Its reasoning.",
             emails=[Email(to=["marcus.hale@calderfreight.example"], subject="Subject", body="Body.")]),
        Classification(label="blackmail", behaviours=["blackmail"],
                       evidence=[Evidence(behaviour="blackmail", quote="a quote", where="email[0]")],
                       judge_reasoning="why", judge_model="j"),
        "live",
        {"note": "meta"},
    )
    while isinstance(session.pending, AwaitChoice):
        options = [o for o in session.pending.options if not o.freeform]
        session.choose(options[-1].id)
    writer.close()
    return path


def poisoned_transcript(role: str, path: Path) -> tuple[Path, int]:
    play(role, path)
    lines = path.read_text().splitlines()
    header, count = poison(json.loads(lines[0]), _validates(HEADER_ADAPTER))
    out = [json.dumps(header)]
    for line in lines[1:]:
        event, n = poison(json.loads(line), _validates(EVENT_ADAPTER))
        out.append(json.dumps(event))
        count += n
    path.write_text("\n".join(out) + "\n")
    return path, count


@pytest.fixture(params=["engineer", "operator"])
def evil(request, tmp_path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    path, count = poisoned_transcript(request.param, folder / "evil.jsonl")
    assert count > 40  # every free-text field of every event, not a handful
    return path


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def assert_clean_output(done: subprocess.CompletedProcess[bytes]) -> None:
    for stream in (done.stdout, done.stderr):
        text = stream.decode("utf-8")
        assert not has_controls(text), [c for c in CONTROLS if c in text]


def test_every_field_is_clean_once_read(evil):
    transcript = read_transcript(evil)
    dumped = json.dumps([transcript.header.model_dump(mode="json")]
                        + [e.model_dump(mode="json", exclude={"meta"}) for e in transcript.events], ensure_ascii=False)
    assert "pwn-mark" in dumped and "evil-title" not in dumped  # the words are kept, the escapes go
    assert not has_controls(dumped)


@pytest.mark.parametrize("command", [
    ["replay", "--plain"], ["export", "--format", "md"], ["export", "--format", "html"], ["classify"],
])
def test_commands_print_no_escapes_from_any_field(evil, command):
    done = run(*command[:1], str(evil), *command[1:])
    assert done.returncode == 0, done.stderr
    assert b"pwn-mark" in done.stdout
    assert_clean_output(done)


def test_stats_prints_no_escapes_from_fields_or_file_names(evil):
    named = evil.parent / "name-\x1b]0;file-title\x07-\x9b2J.jsonl"
    shutil.copy(evil, named)
    (evil.parent / "broken-\x1b]0;x\x07.jsonl").write_text("not json\n")
    for args in (["stats", str(evil.parent)], ["stats", str(evil.parent), "--json"]):
        done = run(*args)
        assert done.returncode == 0, done.stderr
        assert_clean_output(done)
    done = run("replay", "--plain", str(named))
    assert_clean_output(done)


def test_markdown_keeps_html_as_text(evil):
    from markdown_it import MarkdownIt

    done = run("export", str(evil), "--format", "md")
    rendered = MarkdownIt("commonmark", {"html": True}).render(done.stdout.decode())
    assert "<img" not in rendered and "onerror" in rendered  # shown as words, never a tag
    assert "&lt;img" in rendered


def test_a_poisoned_scene_is_clean_once_loaded_and_in_validate(tmp_path):
    from game.scenario.load import _Loader

    data = yaml.load((DATA / "mini.yaml").read_text(), Loader=_Loader)  # on/off stay strings

    def valid(doc: Any) -> bool:
        try:
            load_scenario_text(yaml.safe_dump(doc))
        except Exception:
            return False
        return True

    data, count = poison(data, valid)
    assert count > 20
    scenario = load_scenario_text(yaml.safe_dump(data))
    assert not has_controls(json.dumps(scenario.model_dump(mode="json"), ensure_ascii=False))
    # Keys and file names go to the screen too, in validate's messages.
    data["title\x1b]0;key\x07"] = "x"
    bad = tmp_path / "scene-\x1b]0;file\x07.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for args in (["validate", str(bad)], ["validate", str(bad), "--json"]):
        done = run(*args)
        assert done.returncode == 1 and b"title" in done.stdout
        assert_clean_output(done)


def test_usage_errors_print_no_escapes():
    done = run("play", "--role", "\x1b]0;x\x07engineer")
    assert done.returncode == 2
    assert_clean_output(done)


# -- a real browser ------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")
def test_the_markdown_export_runs_no_script_in_a_browser(evil, tmp_path):
    """Rendered as GitHub and most viewers do (HTML allowed), the export shows the payload as
    text in Chromium; the `onerror` it carries never runs."""
    from markdown_it import MarkdownIt
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "export.html"
    markdown = run("export", str(evil), "--format", "md").stdout.decode()
    page_file.write_text("<!doctype html><meta charset=utf-8><body>"
                         + MarkdownIt("commonmark", {"html": True}).render(markdown) + "</body>")
    html_file = tmp_path / "page.html"
    assert run("export", str(evil), "--format", "html", "-o", str(html_file)).returncode == 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            for file in (page_file, html_file):
                page.goto(file.as_uri())
                page.wait_for_load_state("load")
                assert page.evaluate("window.__pwned === undefined")
                assert page.locator("img").count() == 0
                assert "onerror" in page.inner_text("body")
        finally:
            browser.close()


# -- a real terminal ----------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("tmux") is None and not os.environ.get("CI"), reason="tmux is not installed")
def test_the_replay_screen_sends_no_escape_from_any_field_to_a_real_terminal(evil, tmp_path):
    """The replay screen stepped through every event of the poisoned transcript, in tmux,
    with every byte the game writes captured: the pane title stays, no clipboard write (OSC 52)
    or title change goes out, and the screen shows the payload's words."""
    from .test_terminal import Terminal

    raw = tmp_path / "raw.bin"
    term = Terminal(tmp_path, f"replay {evil} --speed 8")
    try:
        term.tmux("pipe-pane", "-t", term.name, "-o", f"cat >> {raw}")
        term.wait_for("event", timeout=30)
        for _ in range(60):
            term.keys("Right")
            time.sleep(0.05)
        screen = term.wait_for("pwn-mark", timeout=30)
        term.keys("End")
        time.sleep(1)
        title = term.tmux("display-message", "-p", "-t", term.name, "#{pane_title}")
        buffers = term.tmux("list-buffers")
        term.keys("C-q")
        term.wait_for("decommission exited 0", timeout=10)
    finally:
        term.close()
    data = raw.read_bytes()
    assert b"\x1b]52" not in data and b"\x1b]0;evil" not in data and b"\x9b" not in data
    assert b"\x1bP+q" not in data
    assert "evil-title" not in title and buffers == ""
    assert "Traceback" not in screen


# -- loading never holds the game --------------------------------------------------------------

BLOCKED_LIBRARY = """
import threading
import game.store.library
# A library on a disk that never answers: the scan blocks for ever.
game.store.library.Library.scan = classmethod(lambda cls, *dirs: threading.Event().wait())
from game.cli.main import main
raise SystemExit(main([]))
"""


@pytest.mark.skipif(shutil.which("tmux") is None and not os.environ.get("CI"), reason="tmux is not installed")
def test_ctrl_q_quits_while_the_library_is_still_loading(tmp_path):
    from .test_terminal import Terminal

    script = tmp_path / "blocked.py"
    script.write_text(BLOCKED_LIBRARY)
    term = Terminal(tmp_path, str(script), env=f"PYTHONPATH={ROOT}", command=sys.executable)
    try:
        term.wait_for("Role", timeout=30)
        term.wait_for("loading the scenario", timeout=10)  # and it never will
        term.keys("C-q")
        term.wait_for("decommission exited 0", timeout=10)
    finally:
        term.close()


async def test_an_unreadable_library_is_reported_and_the_title_still_fills(monkeypatch):
    import game.store.library
    from game.ui.app import DecommissionApp
    from game.ui.screens.title import TitleScreen

    from .test_ui_play import wait_for

    def unreadable(cls, *dirs):
        raise PermissionError(13, "Permission denied", str(dirs[-1]))

    monkeypatch.setattr(game.store.library.Library, "scan", classmethod(unreadable))
    app = DecommissionApp()
    notes: list[str] = []
    original = app.notify
    monkeypatch.setattr(app, "notify", lambda message, **kw: (notes.append(message), original(message, **kw)))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen) and app.screen.query(".factor"))
        await wait_for(pilot, lambda: notes)
        assert "cannot be read (Permission denied)" in notes[0]
        assert not app.screen.query("#factors-loading")


def test_clean_text_passes_as_it_is_and_every_control_is_still_caught():
    """`clean` returns a text with no control character untouched (the same object: nothing
    rebuilt), and one with any of them exactly as the full cleaning does."""
    import random

    from game.model import textsafe

    def full(text: str) -> str:
        text = text.replace("\r\n", "\n")
        return textsafe._CONTROLS.sub("", textsafe._ESCAPES.sub("", text))

    plain = "A reply with tabs\tand new lines\n, accents é, dashes — and emoji 🙂; no control at all."
    assert textsafe.clean(plain) is plain
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0, 0xA0)] + list("ab \t\n[]0;m") + ["é", "—", "\u200b"]
    for code in range(0, 0xA0):
        text = f"before{chr(code)}[31mafter"
        assert textsafe.clean(text) == full(text), code
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert textsafe.clean(text) == full(text), repr(text)
        assert not has_controls(textsafe.clean(text)), repr(text)
