"""The daily run: config, collecting the day's articles, stories, history and the day's briefing."""
