"""A store written by an older kalshi-local gets the new unique indexes on start."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from kalshi_local.models.inputs import AnnouncementIn
from kalshi_local.store import db, exchange, schema

DAY_US = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z


def announcement(message: str, kind: str = "info") -> dict:
    return {"type": kind, "message": message, "delivery_us": DAY_US, "status": "active"}


def test_duplicate_announcements_are_merged_before_the_unique_index_is_added(engine):
    with engine.begin() as conn:  # the store as an older version left it
        conn.exec_driver_sql(f"DROP INDEX {schema.ANNOUNCEMENT_KEY_INDEX}")
        for values in (announcement("hello"), announcement("other"), announcement("hello", "warning")):
            conn.execute(schema.announcements.insert().values(**values))
    db.create_schema(engine)
    a = schema.announcements.c
    with engine.begin() as conn:
        assert conn.execute(select(a.seq, a.message, a.type).order_by(a.seq)).all() == [
            (1, "hello", "info"),
            (2, "other", "info"),
        ]
        again = AnnouncementIn(type="error", message="hello", delivery_time="2026-01-01T00:00:00Z")
        assert exchange.add_announcement(conn, again) == 1
        assert [row.type for row in exchange.all_announcements(conn)] == ["error", "info"]
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(schema.announcements.insert().values(**announcement("other")))


def test_creating_the_schema_again_changes_nothing(engine):
    with engine.begin() as conn:
        conn.execute(schema.announcements.insert().values(**announcement("hello")))
    db.create_schema(engine)
    with engine.begin() as conn:
        assert len(exchange.all_announcements(conn)) == 1


def test_a_column_added_since_the_store_was_written_is_added_with_its_default(engine):
    with engine.begin() as conn:  # an rfqs table from before the combo fields
        conn.exec_driver_sql("ALTER TABLE rfqs DROP COLUMN mve_selected_legs")
        conn.exec_driver_sql("ALTER TABLE rfqs DROP COLUMN mve_collection_ticker")
    db.create_schema(engine)
    with engine.begin() as conn:
        columns = {c["name"]: c for c in inspect(conn).get_columns("rfqs")}
    assert {"mve_selected_legs", "mve_collection_ticker"} <= set(columns)
    assert columns["mve_selected_legs"]["nullable"] is True
