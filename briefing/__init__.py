"""briefing: turn several news articles about the same events into one sourced briefing.

The public API, for use from Python (the `briefing` command is a thin layer over it):

    from briefing import Settings, build_briefing, render_briefing
    briefing = build_briefing(["articles/"], Settings(words=250))
    markdown = render_briefing(briefing, "markdown")

Names are imported on first use, so `import briefing` stays cheap for the command line.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> the module that defines it (and its name there, when it differs: a public
# name must not be a subpackage's, which importing the subpackage would put in its place)
_RENAMED = {"render_briefing": "render"}
_PUBLIC = {
    "Article": "briefing.models",
    "Briefing": "briefing.models",
    "Fact": "briefing.models",
    "Pool": "briefing.models",
    "BriefingError": "briefing.errors",
    "Settings": "briefing.settings",
    "build_briefing": "briefing.pipeline",
    "read_pool": "briefing.pipeline",
    "render_briefing": "briefing.render.formats",
    "METHODS": "briefing.rank.methods",
    "load_prompt": "briefing.compose.prompt",
    "MailSettings": "briefing.deliver.mail_settings",
    "queue_and_send": "briefing.deliver.outbox",
    "run_daily": "briefing.daily.run",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'briefing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), _RENAMED.get(name, name))
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
