"""Where things are kept: files written whole, transcripts, the library's index, paths."""
