"""The settings file: kept between runs, and never worth an error."""

from __future__ import annotations

import json

import pytest

from game.store.settings import Settings, load_settings, save_settings, settings_path


def test_a_saved_theme_is_read_back_with_a_newer_versions_keys_left_alone():
    save_settings(Settings(theme="nord"))
    assert json.loads(settings_path().read_text()) == {"theme": "nord"}
    settings_path().write_text(json.dumps({"theme": "gruvbox", "from_a_newer_version": [1, 2]}))
    assert load_settings() == Settings(theme="gruvbox")


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"theme": 42}', '"nord"', "", "\x00"])
def test_a_broken_settings_file_means_the_defaults(text):
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(text)
    assert load_settings() == Settings()


def test_a_huge_or_missing_file_means_the_defaults():
    assert load_settings() == Settings()
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(" " * 70_000 + '{"theme": "nord"}')
    assert load_settings() == Settings()
