"""The demo catalog shipped with the package."""

from __future__ import annotations

from importlib import resources

from sqlalchemy import Engine

from ..scenario import loader

DEMO_FILE = "catalog.yaml"


def load(engine: Engine, now_us: int) -> None:
    text = resources.files(__package__).joinpath(DEMO_FILE).read_text(encoding="utf-8")
    loader.apply(engine, loader.parse_text(text, f"demo/{DEMO_FILE}"), now_us, f"demo/{DEMO_FILE}")
