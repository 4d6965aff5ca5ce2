"""Front-end-neutral words and documents: what the screens, the exports and the command line
say, derived from transcripts and events. No textual, no rich."""
