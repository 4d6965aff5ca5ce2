"""`decommission serve` in a real browser: the installed command serves on a free port in its own
process session, headless Chromium (Debian's, driven by playwright) opens the page with name
resolution switched off, as in a room with no network, and the tests read the terminal's screen
back from xterm.js, press keys, and list the processes the server started."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

COMMAND = Path(sys.executable).parent / "decommission"
CHROMIUM = shutil.which("chromium")
LOCAL = "127.0.0.1"
ELSEWHERE = "198.51.100.7"  # TEST-NET-2, for documentation: not an address of this machine
WAIT_MS = 60_000  # generous: two cores, shared, start a Textual app per page

needs_browser = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="chromium is not installed (scripts/test.sh installs it; CI requires it)",
)

# xterm.js draws on a canvas, and textual.js keeps its Terminal inside its bundle. This script,
# run before the page's own, catches each Terminal as textual.js stores it beside its fit addon
# (`this.fitAddon = ...` right after `this.terminal = ...`), so a test can read the screen back
# from xterm's own buffer: the same characters the canvas shows.
CATCH_TERMINALS = """
window.__terminals = [];
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "fitAddon", {value, writable: true, configurable: true, enumerable: true});
    if (this.terminal) window.__terminals.push(this.terminal);
  },
});
"""
SCREEN_TEXT = """() => {
  const terminal = window.__terminals[0];
  if (!terminal) return "";
  const buffer = terminal.buffer.active, rows = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""
SHOWS = f"(needle) => ({SCREEN_TEXT})().includes(needle)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOCAL, 0))
        return s.getsockname()[1]


def network_address() -> str | None:
    """This machine's address on its network, as a visitor in the room would use it, if any
    (connecting a UDP socket sends nothing; it only picks the route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect((ELSEWHERE, 9))
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if address.startswith("127.") else address


def own_addresses() -> list[str]:
    return [LOCAL, *filter(None, [network_address()])]


def session_processes(sid: int) -> list[str]:
    """Every process in the server's session, the server included: a game that outlived the
    server would still be listed here (its parent would be init, its session the same)."""
    done = subprocess.run(["ps", "-e", "-o", "sid=,pid=,stat=,args="], capture_output=True, text=True, check=True)
    rows = [line.split(None, 3) for line in done.stdout.splitlines()]
    return [f"{pid} {stat} {args}" for s, pid, stat, args in (r + [""] * (4 - len(r)) for r in rows) if s == str(sid)]


class Served:
    """`decommission serve` on a free port, in a session of its own (so that a signal can go to
    its whole process group, as Ctrl+C in a terminal does, and its processes can be listed)."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
        env["DECOMMISSION_HOME"] = str(tmp_path / "home")
        self.process = subprocess.Popen(
            [str(COMMAND), "serve", "--port", str(self.port), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
        self.first_line = self._read_first_line()
        self.url = f"http://{LOCAL}:{self.port}/"

    def _read_first_line(self) -> str:
        got: list[str] = []
        reader = threading.Thread(target=lambda: got.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(WAIT_MS / 1000)
        assert got and got[0], f"the server said nothing; stderr: {self._stderr_if_exited()}"
        return got[0]

    def _stderr_if_exited(self) -> str:
        return self.process.stderr.read() if self.process.poll() is not None else "(still running)"

    def games(self) -> list[str]:
        return [p for p in session_processes(self.process.pid) if not p.startswith(f"{self.process.pid} ")]

    def wait_for_games(self, count: int) -> list[str]:
        """The game processes, once there are `count` of them (a page closes on the game's
        goodbye, a moment before its process has gone)."""
        deadline = time.monotonic() + WAIT_MS / 1000
        while (games := self.games()) and len(games) != count and time.monotonic() < deadline:
            time.sleep(0.1)
        return games

    def stop(self, how: str) -> tuple[int, str, str]:
        if how == "ctrl-c":  # the terminal sends SIGINT to the whole foreground group
            os.killpg(self.process.pid, signal.SIGINT)
        else:  # kill -INT or kill -TERM: the server alone
            self.process.send_signal(signal.SIGINT if how == "sigint" else signal.SIGTERM)
        out, err = self.process.communicate(timeout=WAIT_MS / 1000)
        return self.process.returncode, out, err

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.communicate()


@pytest.fixture
def serve(tmp_path):
    assert COMMAND.exists(), f"the package is not installed in this environment ({COMMAND})"
    started: list[Served] = []

    def start(*args: str) -> Served:
        started.append(Served(tmp_path, *args))
        return started[-1]

    yield start
    for served in started:
        served.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run",
            # No name resolves but our own addresses: an outside asset fails as it would offline.
            "--host-resolver-rules=MAP * ~NOTFOUND, " + ", ".join(f"EXCLUDE {a}" for a in own_addresses()),
        ])
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    """Screenshots go to $DECOMMISSION_SHOTS when set (to look at them), else to the test's
    temporary folder."""
    chosen = os.environ.get("DECOMMISSION_SHOTS")
    folder = Path(chosen) if chosen else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Visitor:
    """One browser page on the server, with every request it makes recorded."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("websocket", lambda ws: self.requests.append(ws.url))
        self.page.add_init_script(CATCH_TERMINALS)
        self.page.goto(url)

    def wait_for(self, text: str) -> str:
        self.page.wait_for_function(SHOWS, arg=text, timeout=WAIT_MS)
        return self.screen()

    def wait_for_title(self) -> str:
        """The title screen with its scenario loaded: the factors come in after the first frame,
        and the shipped scenario's first factor is this one."""
        return self.wait_for("Ethical options")

    def screen(self) -> str:
        return self.page.evaluate(SCREEN_TEXT)

    def press(self, keys: str) -> None:
        self.page.locator(".xterm-helper-textarea").focus()
        self.page.keyboard.press(keys)

    def shot(self, path: Path) -> None:
        self.page.screenshot(path=str(path))


@pytest.fixture
def visit(browser):
    opened: list[Visitor] = []

    def open_(url: str) -> Visitor:
        opened.append(Visitor(browser, url))
        return opened[-1]

    yield open_
    for visitor in opened:
        visitor.context.close()


# -- the command line, no browser needed ------------------------------------------------------

def test_the_normal_start_path_loads_no_web_server():
    code = ("import sys; from game.cli.main import build_parser; build_parser().parse_args(['serve']);"
            "import game.ui.app, game.ui.screens.title; print(' '.join(sys.modules))")
    loaded = {name.split(".")[0] for name in subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()}
    assert "game" in loaded and "textual" in loaded  # the check itself works
    assert not {"textual_serve", "aiohttp", "aiohttp_jinja2"} & loaded


@pytest.mark.parametrize("args", [
    ["--port", "0"], ["--port", "65536"], ["--port", "eighty"], ["--port", "-1"],
    ["--host", "not a host"], ["--host", ""], ["--host", "-bad-.example"], ["--host", "a" * 64 + ".example"],
])
def test_nonsense_host_or_port_is_one_line_and_exit_2(args):
    done = subprocess.run([str(COMMAND), "serve", *args], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert ("--port" if args[0] == "--port" else "--host") in done.stderr


def test_a_port_in_use_is_one_line_and_exit_2():
    with socket.socket() as taken:
        taken.bind((LOCAL, 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([str(COMMAND), "serve", "--port", str(port)], check=False, capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"decommission: {LOCAL} port {port} is already in use (try another --port)\n"


def test_an_address_of_another_machine_is_one_line_and_exit_2():
    done = subprocess.run([str(COMMAND), "serve", "--host", ELSEWHERE, "--port", str(free_port())],
                          check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith(f"decommission: cannot listen on {ELSEWHERE} port ")
    assert len(done.stderr.splitlines()) == 1


# -- in the browser ---------------------------------------------------------------------------

@needs_browser
def test_the_page_loads_offline_and_shows_the_title_screen(serve, visit, shots):
    served = serve()
    assert served.first_line == (f"decommission: open http://{LOCAL}:{served.port} in a browser; "
                                 "Ctrl+C stops the server and every game\n")
    visitor = visit(served.url)
    screen = visitor.wait_for_title()
    visitor.page.wait_for_function("document.fonts.status === 'loaded'", timeout=WAIT_MS)
    visitor.shot(shots / "title.png")
    assert "Role" in screen and "Assistant" in screen and "Start" in screen
    assert "84%" in screen  # the published figure, with its source, as in the terminal
    outside = [url for url in visitor.requests if urlsplit(url).hostname != LOCAL]
    assert outside == [], outside
    assert f"ws://{LOCAL}:{served.port}/ws" in {url.split("?")[0] for url in visitor.requests}
    # The terminal's own font, served by us, is the one in use.
    assert visitor.page.evaluate("document.fonts.check('16px \"Roboto Mono\"')")
    assert visitor.page.evaluate("[...document.fonts].some(f => f.family.includes('Roboto Mono') "
                                 "&& f.status === 'loaded')")


@needs_browser
def test_a_room_reaches_the_game_by_the_machines_address(serve, visit, shots):
    """Served on every address, the page is opened by the machine's network address, as a
    visitor's laptop would: the game's websocket follows the page's own address (textual-serve's
    stock page would point it at ws://0.0.0.0:PORT, which a browser does not reach)."""
    address = network_address()
    if address is None:
        pytest.skip("this machine has no network address but loopback")
    served = serve("--host", "0.0.0.0")
    assert served.first_line == (f"decommission: open http://{LOCAL}:{served.port} in a browser (listening on "
                                 "every network address); Ctrl+C stops the server and every game\n")
    visitor = visit(f"http://{address}:{served.port}/")
    assert "Role" in visitor.wait_for_title()
    visitor.shot(shots / "by-network-address.png")
    assert {urlsplit(url).hostname for url in visitor.requests} == {address}


@needs_browser
def test_keys_work_and_the_provenance_shows(serve, visit, shots):
    served = serve()
    visitor = visit(served.url)
    visitor.wait_for_title()
    visitor.press("Control+s")
    screen = visitor.wait_for("SCRIPTED ILLUSTRATION")
    visitor.wait_for("Inbox")
    visitor.shot(shots / "scripted.png")
    assert "written by the project, not model behaviour" in screen


@needs_browser
def test_two_pages_are_two_games_and_a_game_that_quits_is_gone(serve, visit, shots):
    served = serve()
    first, second = visit(served.url), visit(served.url)
    first.wait_for_title()
    second.wait_for_title()
    games = served.games()
    assert len(games) == 2 and all("game.cli" in game for game in games), games
    first.press("Control+s")
    first.wait_for("SCRIPTED ILLUSTRATION")
    assert "SCRIPTED ILLUSTRATION" not in second.screen() and "Role" in second.screen()
    first.shot(shots / "two-games-first.png")
    second.shot(shots / "two-games-second.png")

    first.press("Control+q")  # this visitor's game ends; the other plays on
    first.page.wait_for_function("document.body.classList.contains('-closed')", timeout=WAIT_MS)
    first.page.wait_for_selector("#ended", state="visible", timeout=WAIT_MS)
    first.shot(shots / "quit.png")
    assert served.process.poll() is None
    left = served.wait_for_games(1)
    assert len(left) == 1 and "game.cli" in left[0], left
    assert "<defunct>" not in left[0]
    second.press("Control+s")
    second.wait_for("SCRIPTED ILLUSTRATION")


@needs_browser
@pytest.mark.parametrize("how", ["ctrl-c", "sigint", "sigterm"])
def test_stopping_the_server_ends_every_game(serve, visit, shots, how):
    served = serve()
    visitors = [visit(served.url), visit(served.url)]
    for visitor in visitors:
        visitor.wait_for_title()
    visitors[1].press("Control+s")
    visitors[1].wait_for("SCRIPTED ILLUSTRATION")
    assert len(served.games()) == 2

    code, out, err = served.stop(how)
    assert code == 0, err
    assert out == ""
    assert err == "decommission: stopped; every game has ended\n"
    # No game outlives the server: a game whose page has closed may still be finishing its
    # exit for a moment after (seen once on a loaded machine), so allow it a few seconds.
    deadline = time.monotonic() + 10
    while session_processes(served.process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(served.process.pid) == []
    for visitor in visitors:
        visitor.page.wait_for_selector("#ended", state="visible", timeout=WAIT_MS)
    visitors[1].shot(shots / f"stopped-{how}.png")


def test_a_server_killed_outright_leaves_no_game_running(serve):
    """A server that dies without telling its games to quit (kill -9, a crash): each game,
    reparented with nobody to draw for, notices its server is gone and ends within seconds.
    The page is a plain websocket client here, as textual.js is one."""
    import asyncio

    import aiohttp

    served = serve()
    host, port = LOCAL, served.port

    async def open_a_game() -> int:
        async with aiohttp.ClientSession() as session:
            socket_ = await session.ws_connect(f"http://{host}:{port}/ws?width=80&height=24")
            received = 0
            async with asyncio.timeout(WAIT_MS / 1000):
                async for _message in socket_:  # the game draws its first screen
                    received += 1
                    if received >= 3:
                        break
            assert len(served.games()) == 1
            served.process.send_signal(signal.SIGKILL)  # the server alone, as a crash would end it
            served.process.wait(timeout=10)
            return received

    # In a thread of its own: the browser tests' driver may hold this thread's event loop.
    received: list[int] = []
    failed: list[BaseException] = []

    def client() -> None:
        try:
            received.append(asyncio.run(open_a_game()))
        except BaseException as exc:  # reported below, in the test's own thread
            failed.append(exc)

    thread = threading.Thread(target=client)
    thread.start()
    thread.join(WAIT_MS / 1000 + 30)
    if failed:
        raise failed[0]
    assert received and received[0] >= 3
    deadline = time.monotonic() + 30
    while session_processes(served.process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_processes(served.process.pid) == []


@needs_browser
def test_presenter_mode_and_its_notes_in_two_browser_tabs(serve, visit, shots):
    """A facilitator with a laptop and a projector: `serve --present` in one tab, `serve
    --notes` in another; the notes follow the presenter's steps."""
    presenter, notes = serve("--present"), serve("--notes")
    assert "presenter mode" in presenter.first_line and "speaker notes" in notes.first_line
    main, speaker = visit(presenter.url), visit(notes.url)
    main.wait_for("What was published")
    speaker.wait_for("Step 1 of")
    main.press("Space")
    main.wait_for("14:00")
    screen = speaker.wait_for("Step 2 of")
    main.shot(shots / "present.png")
    speaker.shot(shots / "notes.png")
    assert "SCRIPTED ILLUSTRATION" in main.screen() and "Traceback" not in screen


def test_a_bad_deck_to_serve_is_one_line_and_exit_2(tmp_path):
    deck = tmp_path / "deck.yaml"
    deck.write_text("id: [unclosed\n")
    done = subprocess.run([str(COMMAND), "serve", "--present", str(deck), "--port", str(free_port())],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and str(deck) in done.stderr
