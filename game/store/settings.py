"""What the player chose once and expects kept between runs (the theme, for now), in a small
JSON file beside their sessions. A missing or broken file means the defaults: settings are
never worth an error."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from game.store.files import write_text_atomic
from game.store.paths import user_data_dir

MAX_BYTES = 64 * 1024  # a settings file is a few lines; anything bigger is not ours


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")  # a newer version's keys are kept out, not fatal

    theme: str | None = None


def settings_path() -> Path:
    return user_data_dir() / "settings.json"


def load_settings() -> Settings:
    path = settings_path()
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return Settings()
        return Settings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        return Settings()


def save_settings(settings: Settings) -> None:
    path = settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, settings.model_dump_json(indent=2) + "\n")
    except OSError:
        pass  # a read-only home keeps the choice for this run only
