from briefing.cli.main import run

run()
