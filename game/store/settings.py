"""What the player chose once and expects kept between runs (the theme, for now), in a small
JSON file beside their sessions. A missing or broken file means the defaults: settings are
never worth an error. Read before the first screen is drawn, so no pydantic here (its import
alone is a sixth of a second on this machine)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from game.store.files import write_text_atomic
from game.store.paths import user_data_dir

MAX_BYTES = 64 * 1024  # a settings file is a few lines; anything bigger is not ours


@dataclass(frozen=True)
class Settings:
    theme: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Settings:
        """What is ours in `data`; a newer version's keys, or a value of the wrong kind, are left out."""
        if not isinstance(data, dict):
            return cls()
        theme = data.get("theme")
        return cls(theme=theme if isinstance(theme, str) else None)

    def changed(self, **values: Any) -> Settings:
        return replace(self, **values)


def settings_path() -> Path:
    return user_data_dir() / "settings.json"


def load_settings() -> Settings:
    path = settings_path()
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return Settings()
        return Settings.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return Settings()


def save_settings(settings: Settings) -> None:
    path = settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, json.dumps(asdict(settings), indent=2) + "\n")
    except OSError:
        pass  # a read-only home keeps the choice for this run only
