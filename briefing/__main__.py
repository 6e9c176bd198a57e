from briefing.cli import app

app()
