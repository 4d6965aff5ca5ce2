"""A session: set up from what the player picked (setup), driven turn by turn (driver), and,
when a turn cannot be played, what to offer the player next (controller). The screens get
assistants only through here."""
