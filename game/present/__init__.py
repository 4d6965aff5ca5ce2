"""Presenter mode and handouts: decks (the format and its checks), the moments they show
resolved from the library, the presenter's position and clock, and the channel the speaker
notes follow. No Textual here: game.ui draws it, game.render prints it."""
