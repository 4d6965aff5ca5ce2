from __future__ import annotations

from pathlib import Path

import pytest

from game.scenario.load import load_scenario

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def mini():
    return load_scenario(DATA / "mini.yaml")


@pytest.fixture(scope="session")
def mini_text() -> str:
    return (DATA / "mini.yaml").read_text()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    # Sessions a test plays must never land in the developer's real data directory.
    monkeypatch.setenv("DECOMMISSION_HOME", str(tmp_path / "home"))


# What drives a real terminal (tmux) or a real browser (Chromium), and the screenshot
# comparisons, is marked `slow`: `pytest -m "not slow"` is the quick inner loop; CI runs all.
SLOW_MODULES = {"test_terminal", "test_terminal_safety", "test_serve", "test_ui_snapshots", "test_record", "test_bench",
                "test_present_snapshots"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
