"""Reading scenario files (YAML or JSON) and writing them to the store.

A file is validated whole before anything is written, and written in one
transaction: a bad file changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import msgspec
import yaml
from sqlalchemy import Engine

from ..errors import ApiError
from ..store import events, exchange, incentive_programs, live_data, milestones, series, structured_targets
from .shapes import Scenario

Progress = Callable[[int], None]


class ScenarioError(ValueError):
    """Names the file, the path of the bad field and the reason."""


def parse_text(text: str, source: str) -> Scenario:
    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML or JSON: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: $: a scenario must be a mapping, got {type(data).__name__}")
    return parse_data(data, source)


def parse_data(data: dict, source: str) -> Scenario:
    try:
        return msgspec.convert(data, Scenario, strict=False)
    except msgspec.ValidationError as exc:
        message, _, path = str(exc).rpartition(" - at `")
        if path:
            raise ScenarioError(f"{source}: {path.rstrip('`')}: {message}") from None
        raise ScenarioError(f"{source}: $: {exc}") from None


def parse_file(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_text(text, str(path))


def count_items(scenario: Scenario) -> int:
    return sum(len(items) for _, items in _sections(scenario)) + (scenario.exchange is not None)


def apply(engine: Engine, scenario: Scenario, now_us: int, source: str, progress: Progress | None = None) -> None:
    """Write a scenario in one transaction; on any failure nothing is written."""
    with engine.begin() as conn:
        if scenario.exchange is not None:
            exchange.set_state(conn, scenario.exchange)
        for name, items in _sections(scenario):
            write = _WRITERS[name]
            for index, item in enumerate(items):
                try:
                    write(conn, item, now_us)
                except (ValueError, ApiError) as exc:
                    message = getattr(exc, "message", None) or str(exc)
                    raise ScenarioError(f"{source}: $.{name}[{index}]: {message}") from None
                if progress:
                    progress(1)


def _sections(scenario: Scenario) -> Iterator[tuple[str, list]]:
    # Order matters: events need their series.
    for name in _WRITERS:
        yield name, getattr(scenario, name)


_WRITERS = {
    "series": series.upsert,
    "events": events.upsert,
    "milestones": milestones.upsert,
    "structured_targets": structured_targets.upsert,
    "live_data": live_data.upsert,
    "announcements": lambda conn, spec, _now: exchange.add_announcement(conn, spec),
    "fee_changes": lambda conn, spec, _now: exchange.upsert_fee_change(conn, spec),
    "incentive_programs": lambda conn, spec, _now: incentive_programs.upsert(conn, spec),
}
