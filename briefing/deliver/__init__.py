"""Deliver: briefing files on disk, mail (message, SMTP, HTML part) and the outbox."""
