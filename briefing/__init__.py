"""briefing: turn several news articles about the same events into one sourced briefing."""

__version__ = "0.1.0"
