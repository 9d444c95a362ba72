"""Bulk upserts: many rows per statement, same result as one at a time."""

from __future__ import annotations

from sqlalchemy import select

from kalshi_local.store import bulk, schema

COLUMNS = ("id", "name", "type", "details", "source_id", "source_ids", "updated_us")


def target(ident: str, name: str = "Name", updated: int = 1) -> tuple:
    return (ident, name, "team", "{}", None, "{}", updated)


def names(conn) -> dict[str, str]:
    t = schema.structured_targets.c
    return dict(conn.execute(select(t.id, t.name)).all())


def test_upsert_inserts_new_rows_and_returns_their_seqs(conn):
    written = bulk.upsert(conn, schema.structured_targets, "id", COLUMNS, [target("a"), target("b")])
    assert set(written.seqs) == {"a", "b"}
    assert written.created == 2 and written.updated_seqs() == []


def test_upsert_updates_existing_rows_and_keeps_their_seq(conn):
    first = bulk.upsert(conn, schema.structured_targets, "id", COLUMNS, [target("a")])
    again = bulk.upsert(conn, schema.structured_targets, "id", COLUMNS, [target("a", "Renamed"), target("b")])
    assert again.seqs["a"] == first.seqs["a"]
    assert again.created == 1 and again.updated_seqs() == [first.seqs["a"]]
    assert names(conn) == {"a": "Renamed", "b": "Name"}


def test_upsert_spans_several_statements(conn):
    rows = [target(f"t{i}") for i in range(1234)]
    written = bulk.upsert(conn, schema.structured_targets, "id", COLUMNS, rows)
    assert len(written.seqs) == 1234 and written.created == 1234
    assert len(set(written.seqs.values())) == 1234


def test_kept_columns_are_not_overwritten(conn):
    bulk.upsert(conn, schema.structured_targets, "id", COLUMNS, [target("a", updated=5)])
    bulk.upsert(conn, schema.structured_targets, "id", COLUMNS, [target("a", "New", updated=9)], keep=("updated_us",))
    t = schema.structured_targets.c
    assert conn.execute(select(t.name, t.updated_us)).one() == ("New", 5)


def test_only_if_same_leaves_a_row_of_another_owner_out(conn):
    bulk.upsert(conn, schema.structured_targets, "id", COLUMNS, [target("a")])
    written = bulk.upsert(
        conn, schema.structured_targets, "id", COLUMNS,
        [("a", "Other", "player", "{}", None, "{}", 2), target("b")], only_if_same="type",
    )
    assert set(written.seqs) == {"b"}
    assert names(conn)["a"] == "Name"


def test_insert_writes_every_row(conn):
    rows = [(f"E{i}", i) for i in range(7000)]
    bulk.insert(conn, schema.milestone_events, ("event_ticker", "milestone_seq"), rows)
    assert len(conn.execute(select(schema.milestone_events.c.event_ticker)).scalars().all()) == 7000


def test_delete_in_and_lookup_work_past_one_statement(conn):
    rows = [target(f"t{i}") for i in range(1200)]
    bulk.upsert(conn, schema.structured_targets, "id", COLUMNS, rows)
    found = bulk.lookup(conn, schema.structured_targets, "id", "name", [f"t{i}" for i in range(0, 1300, 2)])
    assert len(found) == 600 and found["t0"] == "Name"
    bulk.delete_in(conn, schema.structured_targets, "id", [f"t{i}" for i in range(1100)])
    assert set(names(conn)) == {f"t{i}" for i in range(1100, 1200)}
