"""Compose: the parts of a briefing (sections, headline, repeats, quotes, disputes, sources) from a ranked pool."""
