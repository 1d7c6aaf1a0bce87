"""The demo's shadowing opportunities and agreement as data (`content.toml`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

CONTENT_FILE = Path(__file__).resolve().parent / "content.toml"


@dataclass(frozen=True)
class OpportunitySpec:
    key: str
    organisation: str
    title: str
    team: str
    description: str
    location: str
    duration: str
    cpd_hours: Decimal
    date_mode: str
    notice: int
    joining: str
    sectors: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    other: str = ""
    days: int = 1
    places_per_date: int = 1
    places_per_month: int = 2


@dataclass(frozen=True)
class Content:
    agreement: str
    opportunities: list[OpportunitySpec]


def _load() -> Content:
    data = tomllib.loads(CONTENT_FILE.read_text(encoding="utf-8"))
    opportunities = []
    for row in data["opportunities"]:
        row = dict(row)
        row["cpd_hours"] = Decimal(row["cpd_hours"])
        row["description"] = " ".join(row["description"].split())
        opportunities.append(OpportunitySpec(**row))
    return Content(agreement=data["agreement"]["text"].strip(), opportunities=opportunities)


CONTENT = _load()
