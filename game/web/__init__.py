"""The page `decommission serve` hands to a browser: a template of our own, with every asset
(textual-serve's terminal script and stylesheet, its Roboto Mono font) served by our own server,
so that a room with no network can play."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).with_name("templates")
