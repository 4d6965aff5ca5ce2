"""The domain stays free of the UI and of the API client; start-up stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

DOMAIN = [
    "game.scenario.schema", "game.scenario.load", "game.scenario.lint", "game.scenario.condition",
    "game.core.engine", "game.store.transcripts", "game.analysis.classify", "game.analysis.classifiers", "game.store.library", "game.render.documents", "game.analysis.rates",
    "game.analysis.published", "game.session.driver", "game.session.setup", "game.render.stats",
    "game.assistants.base", "game.assistants.scripted", "game.assistants.recorded",
    # presenter mode and handouts: the deck, its slides, the position file, the moment under
    # the four conditions, the handout page, and their commands
    "game.present.deck", "game.present.slides", "game.present.position", "game.analysis.moments",
    "game.render.handout", "game.cli.present", "game.cli.handout",
]


def loaded_after(imports: list[str], then: str = "") -> set[str]:
    code = ";".join(f"import {m}" for m in imports) + f";{then or 'pass'};import sys;print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in out.split()}


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_imports_no_ui_and_no_api_client(module):
    loaded = loaded_after([module])
    assert not {"textual", "rich", "anthropic"} & loaded, module


def test_title_screen_path_does_not_import_the_api_client():
    loaded = loaded_after(["game.cli", "game.ui.app", "game.ui.screens.title", "game.ui.screens.play",
                           "game.ui.screens.ending"])
    assert "textual" in loaded  # the check itself works
    assert "anthropic" not in loaded


def test_the_first_screen_waits_for_nothing_heavy():
    """What the title screen needs before its first paint (its settings included): no pydantic, YAML, jinja2 or HTTP
    client (the scenario and library load after it, on a worker thread)."""
    # `decommission` builds every command's arguments before it starts the game: that too.
    loaded = loaded_after(["game.cli.main", "game.ui.app", "game.ui.screens.title", "game.store.settings"],
                          then="game.cli.main.build_parser()")
    assert "textual" in loaded
    assert not {"pydantic", "yaml", "jinja2", "aiohttp", "httpx", "anthropic"} & loaded


def test_the_layer_contracts_hold():
    """import-linter's contracts in pyproject.toml: only the UI imports Textual, the core no
    assistant or SDK, only the provider modules the SDK (imports inside functions included)."""
    from pathlib import Path

    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout
