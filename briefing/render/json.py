"""The briefing as JSON data (the schema ships in briefing/data/briefing.schema.json)."""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib import resources

from briefing.models import Briefing
from briefing.render.markdown import date_span

SCHEMA_VERSION = 1


def briefing_data(briefing: Briefing) -> dict:
    data = asdict(briefing)
    data = {"schema_version": SCHEMA_VERSION, **data}
    data["dateline"] = {
        "dates": date_span(briefing.dates, briefing.date),
        "articles": len(briefing.sources),
        "origins": briefing.origins,
        "outlets": list(briefing.outlets),
    }
    for section in data["sections"]:
        for item in section["items"]:
            item["single_outlet"] = item["origins"] <= 1
    return data


def render_json(briefing: Briefing) -> str:
    return json.dumps(briefing_data(briefing), ensure_ascii=False, indent=2) + "\n"


def schema() -> dict:
    """The JSON schema `render_json` output follows (shipped in briefing/data)."""
    text = resources.files("briefing").joinpath("data/briefing.schema.json").read_text("utf-8")
    return json.loads(text)
