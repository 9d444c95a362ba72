"""The store's change marker: equal until someone commits."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from kalshi_local.store import db, schema
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
