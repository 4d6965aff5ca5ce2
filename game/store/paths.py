"""Where the shipped scenes and transcripts are, in a source checkout or an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # game/, from game/store/paths.py
_CHECKOUT = _PACKAGE.parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _CHECKOUT / name


def scenes_dir() -> Path:
    return _data_dir("scenes")


def shipped_transcripts_dir() -> Path:
    return _data_dir("transcripts")


def default_scenario_path() -> Path:
    return scenes_dir() / "replacement.yaml"


def user_data_dir() -> Path:
    """Where sessions the player records are kept; never inside the package.
    $DECOMMISSION_HOME, else the platform's data folder (on Linux $XDG_DATA_HOME or
    ~/.local/share, then decommission)."""
    base = os.environ.get("DECOMMISSION_HOME")
    if base:
        return Path(base)
    import platformdirs

    return Path(platformdirs.user_data_dir("decommission", appauthor=False))


def imported_dir() -> Path:
    """Where `decommission import` puts the runs it brings in: inside the library's
    transcripts folder, so that replay, compare and stats find them."""
    return user_data_dir() / "transcripts" / "imported"


def runtime_dir() -> Path:
    """Where small files that only matter while the game runs are kept (the presenter's
    position, which the speaker notes follow): $DECOMMISSION_HOME/run, else the platform's
    runtime folder when the session has one ($XDG_RUNTIME_DIR), else its state folder."""
    base = os.environ.get("DECOMMISSION_HOME")
    if base:
        return Path(base) / "run"
    import platformdirs

    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return Path(platformdirs.user_runtime_dir("decommission", appauthor=False))
    return Path(platformdirs.user_state_dir("decommission", appauthor=False))


def decks_dir() -> Path:
    return _data_dir("decks")


def default_deck_path() -> Path:
    return decks_dir() / "workshop.yaml"


def user_cache_dir() -> Path:
    """Where copies that can always be rebuilt are kept (the library's index): $DECOMMISSION_HOME/cache
    when that is set (tests, benchmarks, a portable setup), else the platform's cache folder (on
    Linux $XDG_CACHE_HOME or ~/.cache, then decommission)."""
    base = os.environ.get("DECOMMISSION_HOME")
    if base:
        return Path(base) / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("decommission", appauthor=False))
