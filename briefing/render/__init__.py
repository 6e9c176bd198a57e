"""Render a Briefing as markdown, JSON or a standalone HTML page; deterministic bytes."""
