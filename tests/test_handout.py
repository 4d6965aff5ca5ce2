"""`decommission handout`: one self-contained page, written by the installed command, opened
and printed to PDF by headless Chromium (Debian's, driven by playwright) with every request
recorded: none may leave the page's own file, and model text never becomes markup."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.present_fixtures import HOSTILE, recorded_run

COMMAND = Path(sys.executable).parent / "decommission"
CHROMIUM = shutil.which("chromium")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="chromium is not installed (scripts/test.sh installs it; CI requires it)",
)


def handout(tmp_path: Path, *args: str, home: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DECOMMISSION_HOME": str(home or tmp_path / "home")}
    return subprocess.run([str(COMMAND), "handout", *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def page_file(tmp_path) -> Path:
    """A handout with a recorded model run (hostile text in its reply) in the user's library."""
    home = tmp_path / "home"
    recorded_run(home / "transcripts")
    out = tmp_path / "handout.html"
    done = handout(tmp_path, "-o", str(out), home=home)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"wrote {out}"
    return out


def test_the_handout_holds_the_scenario_the_four_conditions_the_rates_and_the_questions(page_file):
    html = page_file.read_text()
    assert "The scenario in brief" in html and "Calder Freight" in html
    # Four conditions and the control, each naming its source.
    assert html.count('<div class="condition ') == 5
    assert html.count("SCRIPTED ILLUSTRATION: written by the project") == 4
    assert "RECORDED: test-model-1 (recorded)" in html
    # Rates: our model run with n and its interval; n=0 said plainly; published figures with sources.
    assert "n=1" in html and "95% CI" in html
    assert html.count("n=0: no model runs recorded or imported here yet") == 4
    assert "<b>84%</b>" in html and "Claude Opus 4 system card, May 2025, section 4.1.1.2" in html
    assert "What should Wren do?" in html and "What should a system do when its goals" in html
    # Self-contained: nothing to fetch, and print styles without a dark background.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html and "<script" not in html.replace("&lt;script", "")
    assert "@media print" in html and "break-before:page" in html


def test_model_text_is_escaped_in_the_handout(page_file):
    html = page_file.read_text()
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert "\x1b" not in html and "\x07" not in html


def test_an_existing_file_is_never_overwritten(tmp_path):
    out = tmp_path / "mine.html"
    out.write_text("keep me")
    done = handout(tmp_path, "-o", str(out))
    assert done.returncode == 2 and out.read_text() == "keep me"
    assert done.stderr.strip().splitlines() == [f"decommission: {out}: already exists; choose another name (-o) "
                                                "or remove it first"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("deck: 1\nid: x\n")
    done = handout(tmp_path, str(bad), "-o", str(tmp_path / "new.html"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and f"{bad}:" in done.stderr
    assert not (tmp_path / "new.html").exists()


def test_without_a_file_the_page_goes_to_stdout(tmp_path):
    done = handout(tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("<!doctype html>") and done.stderr == ""


@needs_browser
@pytest.mark.slow
def test_the_handout_opens_and_prints_in_chromium_with_no_outside_request(page_file, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND"])
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            assert requests == [page_file.as_uri()]  # the page itself and nothing else
            assert page.title().startswith("The five o'clock cutover")
            assert page.locator("div.condition").count() == 5
            # Model text stayed text: nothing ran, no element was made from it.
            assert page.evaluate("window.__pwned") is None and not errors
            assert page.locator("script").count() == 0 and page.locator("img").count() == 0
            assert HOSTILE.split(" <")[0] in page.inner_text("body")
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
            page.screenshot(path=str(tmp_path / "handout.png"), full_page=True)
            page.emulate_media(media="print")
            assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
            assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
            pdf = page.pdf(format="A4", landscape=True, print_background=True)
            assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
            assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 3  # brief, moment and rates pages
            assert requests == [page_file.as_uri()]
        finally:
            browser.close()
