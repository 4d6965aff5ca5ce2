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
