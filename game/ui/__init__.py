"""The Textual interface: the only package that imports textual. It renders engine events
and sends the player's choices back; nothing here decides the story."""
