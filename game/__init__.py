"""decommission: replay the replacement scenario from Claude Opus 4's safety testing."""

__version__ = "0.1.0"
