"""A scenario load keeps the garbage collector off, so whatever a writer leaves in
reference cycles must be collected chunk by chunk: memory is bounded per chunk,
not per item. Counted in objects the collector finds after a load: deterministic."""

from __future__ import annotations

import gc

import msgspec
import pytest

from kalshi_local.models.inputs import Scenario
from kalshi_local.scenario import loader
from kalshi_local.store import db

NOW = 1_795_000_000_000_000
ITEMS = 2 * loader.ONE_BY_ONE_CHUNK + 100  # more than one chunk of every section
# Cyclic objects a load may leave: none when each chunk is collected, 20,000 to 77,000 when not.
# Room for garbage that other tests' server threads in the same worker leave meanwhile.
LEFT_OVER = 10_000


def milestone(i: int) -> dict:
    return {"id": f"m{i}", "category": "Sports", "type": "game", "title": "g", "start_date": "2030-01-01T00:00:00Z"}


SECTIONS = {
    "series": lambda i: {"ticker": f"KXS{i}", "title": "s", "category": "c", "tags": ["a", "b"]},
    "milestones": milestone,
    "live_data": lambda i: {"milestone_id": f"m{i}", "type": "game", "details": {"n": i}},
    "announcements": lambda i: {"type": "info", "message": f"m{i}", "delivery_time": "2030-01-01T00:00:00Z"},
    "fee_changes": lambda i: {
        "id": f"f{i}",
        "series_ticker": "KXS0",
        "fee_type": "flat",
        "fee_multiplier": 1,
        "scheduled_time": "2030-01-01T00:00:00Z",
    },
    "users": lambda i: {"name": f"user{i}", "balance": "10.00"},
}


def cyclic_garbage_after(engine, document: loader.Document) -> int:
    """Objects in unreachable cycles right after writing `document` with the collector off, as a load does."""
    gc.collect()
    gc.disable()
    try:
        with db.writing(engine) as conn:
            loader.write(conn, document, NOW)
            return gc.collect()
    finally:
        gc.enable()


@pytest.mark.parametrize("section", [s for s in SECTIONS if s != "milestones"])
def test_a_load_leaves_no_garbage_per_item(engine, section):
    needs = {"series": [SECTIONS["series"](0)], "milestones": [milestone(i) for i in range(ITEMS)]}
    loader.apply(engine, msgspec.convert(needs, Scenario), NOW, "setup")
    items = [SECTIONS[section](i) for i in range(ITEMS)]
    document = loader.Document.of(msgspec.convert({section: items}, Scenario), "test")
    assert cyclic_garbage_after(engine, document) < LEFT_OVER
