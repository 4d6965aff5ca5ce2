"""The core: the engine, a pure state machine over a scenario (no I/O, no UI, no clock)."""
