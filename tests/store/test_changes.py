"""The store's change marker: equal until someone commits."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, text, update

from kalshi_local.store import changes, db, schema
from kalshi_local.store.changes import _data_version_reader, data_marker

from ..conftest import new_database_url


@pytest.fixture
def sqlite_url(request):
    url = db.database_url(url=new_database_url(request, "sqlite"))
    db.create_schema(db.open_engine(url))
    return url


def test_the_marker_holds_while_nothing_is_committed(sqlite_url):
    engine = db.open_engine(sqlite_url)
    with engine.connect() as reader:
        first = data_marker(reader)
        reader.execute(schema.milestones.select()).all()
        assert data_marker(reader) == first
    engine.dispose()


@pytest.mark.parametrize("same_engine", [True, False], ids=["same process", "another engine, as `load` is"])
def test_a_commit_on_another_connection_changes_the_marker(sqlite_url, same_engine):
    engine = db.open_engine(sqlite_url)
    writer_engine = engine if same_engine else db.open_engine(sqlite_url)
    with engine.connect() as reader:
        before = data_marker(reader)
        with writer_engine.begin() as writer:
            writer.execute(insert(schema.schema_info).values(key="written", value="1"))
        assert data_marker(reader) != before
    engine.dispose()
    writer_engine.dispose()


def test_two_connections_agree_while_nothing_is_committed(sqlite_url):
    engine = db.open_engine(sqlite_url)
    with engine.connect() as one, engine.connect() as two:
        assert data_marker(one) == data_marker(two)
    engine.dispose()


@pytest.mark.parametrize("writes", [0, 1, 3])
def test_without_a_wal_index_file_data_version_tells(sqlite_url, writes):
    engine = db.open_engine(sqlite_url)
    with engine.connect() as reader, engine.connect() as other:
        read = _data_version_reader(reader)
        before = read()
        for n in range(writes):
            other.execute(insert(schema.schema_info).values(key=f"k{n}", value="1"))
            other.commit()
        assert (read() != before) == (writes > 0)
        assert read() != _data_version_reader(other)()  # values of two connections never compare equal
    engine.dispose()


@pytest.mark.parametrize("commits", [0, 1])
def test_on_postgresql_the_snapshot_tells(request, commits):
    url = db.database_url(url=new_database_url(request, "postgresql"))
    db.create_schema(db.open_engine(url))
    reader_engine, writer_engine = db.open_engine(url, autocommit=True), db.open_engine(url)
    with reader_engine.connect() as reader:
        before = data_marker(reader)
        reader.execute(schema.milestones.select()).all()  # reads change nothing
        for n in range(commits):
            with writer_engine.begin() as writer:
                writer.execute(insert(schema.schema_info).values(key=f"k{n}", value="1"))
        assert (data_marker(reader) != before) == (commits > 0)
    reader_engine.dispose()
    writer_engine.dispose()


# Scoped markers: catalog and keys move only when a commit wrote their tables.


def _markers(engine) -> tuple:
    with engine.connect() as reader:
        return changes.scope_marker(reader, changes.CATALOG), changes.scope_marker(reader, changes.KEYS)


def _commit(engine, statement, prices_only: bool = False) -> None:
    with db.writing(engine) as conn:
        if prices_only:
            changes.market_rows_are_prices(conn)
        conn.execute(statement)


@pytest.mark.parametrize(
    "statement,prices_only,moved",
    [
        (lambda: update(schema.markets).values(volume=1), True, (False, False)),
        (lambda: update(schema.balances).values(balance=1), False, (False, False)),
        (lambda: update(schema.markets).values(volume=1), False, (True, False)),
        (lambda: update(schema.milestones).values(title="t"), True, (True, False)),
        (lambda: insert(schema.exchange_state).values(key="k", value="1"), False, (True, False)),
        (lambda: update(schema.users).values(tier="basic"), False, (False, True)),
        (lambda: schema.api_keys.delete(), False, (False, True)),
        (lambda: text("DELETE FROM series"), False, (True, False)),
    ],
    ids=["order flow", "cash", "market rules", "milestones", "exchange", "users", "api keys", "raw SQL"],
)
def test_a_commit_moves_the_markers_of_the_scopes_it_wrote(engine, statement, prices_only, moved):
    other = db.open_engine(engine.url.render_as_string(hide_password=False))  # another process's writer
    before = _markers(engine)
    _commit(other, statement(), prices_only)
    after = _markers(engine)
    assert (after[0] != before[0], after[1] != before[1]) == moved
    other.dispose()


def test_a_rolled_back_write_moves_nothing(engine):
    before = _markers(engine)
    with pytest.raises(RuntimeError), db.writing(engine) as conn:
        conn.execute(update(schema.users).values(tier="basic"))
        raise RuntimeError("changed my mind")
    _commit(engine, update(schema.balances).values(balance=1))
    assert _markers(engine) == before


def test_a_reset_never_takes_a_marker_back(engine):
    _commit(engine, update(schema.users).values(tier="basic"))
    before = _markers(engine)
    with db.writing(engine) as conn:
        db.wipe(conn)
    after = _markers(engine)
    assert after[0] > before[0] and after[1] > before[1]


def test_a_reader_sees_the_counter_move_on_the_same_connection(engine):
    with engine.connect() as reader:
        before = changes.scope_marker(reader, changes.CATALOG)
        assert changes.scope_marker(reader, changes.CATALOG) == before
        reader.rollback()
        _commit(engine, update(schema.milestones).values(title="t"))
        assert changes.scope_marker(reader, changes.CATALOG) != before


@pytest.mark.parametrize("inclusive", [True, False])
def test_a_next_time_memo_answers_as_its_query_would_and_asks_again_only_when_it_must(engine, inclusive):
    times = [100, 200]  # the stored times the query finds, committed below through schema_info
    asked: list[int] = []

    def query(conn, at: int) -> int | None:
        asked.append(at)
        return min((t for t in times if t > at or (inclusive and t == at)), default=None)

    def check(conn, at: int, expect: int | None, asks: bool) -> None:
        before = len(asked)
        assert changes.next_time_memo(conn, "memo", at, query, inclusive) == expect
        assert (len(asked) > before) == asks, (at, asked)

    with engine.connect() as reader:
        check(reader, 50, 100, asks=True)
        check(reader, 60, 100, asks=False)  # forward, short of the answer
        check(reader, 40, 100, asks=True)  # backward: the answer may be earlier
        check(reader, 100, 100 if inclusive else 200, asks=not inclusive)
        check(reader, 150, 200, asks=inclusive)  # past the answer (the exclusive memo moved on at 100)
        reader.rollback()
        times.insert(0, 160)
        _commit(engine, insert(schema.schema_info).values(key="memo", value="1"))  # any commit
        check(reader, 150, 160, asks=True)
        check(reader, 250, None, asks=True)
        check(reader, 10**12, None, asks=False)  # nothing later, nothing committed
