"""Caches are invalidated by what they depend on: order flow (market data) keeps the
milestone and structured-target responses and the API-key cache hot; a catalog or
key write, by this process or another one, empties them.

To see a cache hit from outside, a row is changed behind the caches' back: through a
plain SQLAlchemy engine, which bumps no change counter. A hot cache keeps serving
the old answer; a tracked write (store.db.open_engine, as the server and the CLI
use) then makes the new one show.
"""

from __future__ import annotations

import gzip
import json

import httpx
import pytest
from sqlalchemy import create_engine, update

from kalshi_local.store import changes, db, schema

from ..client import ApiClient
from ..signing import DEMO

MILESTONE = "5d3c2a10-0000-4000-8000-000000000001"


@pytest.fixture
def untracked(server):
    engine = create_engine(server.services.engine.url)
    yield engine
    engine.dispose()


@pytest.fixture
def tracked(server):
    # Another engine on the same store, as `kalshi-local load` or the CLI would open.
    engine = db.open_engine(server.services.engine.url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()


def _milestone_title(api: ApiClient) -> str:
    found = api.ok("/milestones", {"limit": 500})["milestones"]
    return next(m["title"] for m in found if m["id"] == MILESTONE)


def _retitle_behind_the_back(untracked, title: str) -> None:
    with untracked.begin() as conn:
        m = schema.milestones.c
        conn.execute(update(schema.milestones).where(m.id == MILESTONE).values(title=title, version=m.version + 1))


def _market_data_commit(tracked) -> None:
    """What order flow commits: market prices and volume, nothing of the catalog."""
    with db.writing(tracked) as conn:
        changes.market_rows_are_prices(conn)
        m = schema.markets.c
        conn.execute(update(schema.markets).values(volume=m.volume + 100, version=m.version + 1))


def test_a_market_data_commit_keeps_the_milestone_cache_and_a_catalog_write_empties_it(api, untracked, tracked):
    before = _milestone_title(api)
    _retitle_behind_the_back(untracked, "changed behind the cache")
    _market_data_commit(tracked)
    assert _milestone_title(api) == before  # served from the cache
    with db.writing(tracked) as conn:  # a catalog write from another engine
        conn.execute(update(schema.series).where(schema.series.c.ticker == "none").values(title="x"))
    assert _milestone_title(api) == "changed behind the cache"


def test_a_market_data_commit_moves_the_markets_list(api, tracked):
    before = api.ok("/markets", {"limit": 1})["markets"][0]
    _market_data_commit(tracked)
    after = api.ok("/markets", {"limit": 1})["markets"][0]
    assert after["ticker"] == before["ticker"]
    assert float(after["volume_fp"]) == float(before["volume_fp"]) + 1


def test_a_market_data_commit_keeps_the_structured_target_cache(api, untracked, tracked):
    first = api.ok("/structured_targets", {"page_size": 1})["structured_targets"][0]
    with untracked.begin() as conn:
        t = schema.structured_targets.c
        renamed = {"name": "behind the back", "version": t.version + 1}
        conn.execute(update(schema.structured_targets).where(t.id == first["id"]).values(**renamed))
    _market_data_commit(tracked)
    assert api.ok("/structured_targets", {"page_size": 1})["structured_targets"][0]["name"] == first["name"]
    with db.writing(tracked) as conn:
        conn.execute(update(schema.milestones).where(schema.milestones.c.id == "none").values(title="x"))
    assert api.ok("/structured_targets", {"page_size": 1})["structured_targets"][0]["name"] == "behind the back"


def test_a_market_data_commit_keeps_the_key_cache_and_a_key_write_empties_it(server, untracked, tracked):
    with ApiClient(server.api, DEMO) as signed:
        signed.get("/portfolio/balance", expect=200)  # the key is now cached
        with untracked.begin() as conn:
            conn.execute(schema.api_keys.delete().where(schema.api_keys.c.key_id == DEMO.key_id))
        _market_data_commit(tracked)
        with db.writing(tracked) as conn:  # cash moves are order flow too
            conn.execute(update(schema.balances).values(balance=schema.balances.c.balance + 1))
        signed.get("/portfolio/balance", expect=200)  # still the cached key
        with db.writing(tracked) as conn:  # any write to users or keys
            conn.execute(update(schema.users).where(schema.users.c.name == "nobody").values(tier="basic"))
        signed.get("/portfolio/balance", expect=401)


def test_a_large_replayed_answer_is_gzipped_for_clients_that_accept_it(server):
    url = f"{server.api}/markets"
    params = {"limit": 200}
    first = httpx.get(url, params=params, headers={"accept-encoding": "gzip"}, timeout=30)  # made and cached
    assert first.status_code == 200 and "content-encoding" not in first.headers
    assert len(first.content) >= 16 << 10, "the demo's market list is too small to show the gzip path"
    with httpx.Client(timeout=30) as client:  # the bytes as sent, not decoded
        raw = client.send(httpx.Request("GET", url, params=params, headers={"accept-encoding": "gzip"}), stream=True)
        packed = b"".join(raw.iter_raw())
    assert raw.headers["content-encoding"] == "gzip" and raw.headers["vary"] == "Accept-Encoding"
    assert len(packed) * 4 < len(first.content)
    assert json.loads(gzip.decompress(packed)) == first.json()
    for refusing in ("identity", "gzip;q=0", "gzip; q=0.0, identity", "x-gzip", "*", "deflate, br"):
        plain = httpx.get(url, params=params, headers={"accept-encoding": refusing}, timeout=30)
        assert "content-encoding" not in plain.headers and plain.content == first.content, refusing
