"""The command line: a thin layer over the library (`briefing.cli.main:run` is the script)."""
