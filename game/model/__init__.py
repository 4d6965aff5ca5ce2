"""The language every layer speaks, pydantic only: events and headers, turns and labels,
errors, and the text boundary that keeps terminal escapes out of all of them."""
