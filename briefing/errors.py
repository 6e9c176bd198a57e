"""The project's error hierarchy: every user mistake becomes one of these, with a clear message."""

from __future__ import annotations


class BriefingError(Exception):
    """Base class: a problem the user can fix; the CLI prints it as one line."""

    exit_code = 1


class InputError(BriefingError):
    """An input file or URL cannot be read or holds no usable article."""

    exit_code = 2


class NoArticlesError(InputError):
    """Nothing usable was found in any input."""

    exit_code = 3


class PromptError(BriefingError):
    """A prompt file is missing or invalid."""

    exit_code = 4


class ConfigError(BriefingError):
    """A configuration file or setting is invalid."""

    exit_code = 4


class OutputError(BriefingError):
    """The briefing could not be written."""

    exit_code = 5


class MailError(BriefingError):
    """A message could not be sent; it stays in the outbox."""

    exit_code = 6
