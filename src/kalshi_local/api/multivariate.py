"""The `multivariate` tag: collections, creating a combo market for a selection of legs, and
the (deprecated) lookup and its history (api-reference/multivariate/*.md; rules in
exchange/combos.py).

A new combo's event and market are a catalog write like an admin PUT: the engine reads the
market (and its legs) on first use, and the lifecycle channels announce it as `created`.
Each create and lookup is also sent on the `multivariate` channel (Services.lookup_listeners).
"""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request

from ..authenticator import Caller
from ..engine import wiring
from ..errors import InvalidParameter, NotFound
from ..exchange import combos
from ..models import catalog, render
from ..models import multivariate as shapes
from ..store import markets as market_store
from ..store import multivariate as store
from .authenticated import signed_route
from .bodies import decode
from .endpoints import route
from .params import Query
from .responses import json_response, services

_STATUSES = ("unopened", "open", "closed")
_LOOKBACKS = (10, 60, 300, 3600)


def get_collections(request: Request):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=200)
    flt = store.CollectionFilter(
        status=q.enum("status", _STATUSES),
        associated_event_ticker=q.str("associated_event_ticker"),
        series_ticker=q.str("series_ticker"),
    )
    svc = services(request)
    with svc.reading() as conn:
        page = store.page(conn, flt, svc.clock.now_us(), q.str("cursor"), limit)
    return json_response(
        {"multivariate_contracts": [shapes.collection(row) for row in page.rows], "cursor": page.cursor}
    )


def get_collection(request: Request):
    row = _collection(request)
    return json_response({"multivariate_contract": shapes.collection(row)})


def _collection(request: Request, conn: Connection | None = None):
    ticker = request.path_params["collection_ticker"]
    if conn is None:
        with services(request).reading() as reader:
            row = store.get(reader, ticker)
    else:
        row = store.get(conn, ticker)
    if row is None:
        raise NotFound(f"multivariate event collection {ticker} not found")
    return row


def _legs(pairs: list[shapes.TickerPair]) -> list[combos.Leg]:
    return [combos.Leg(p.market_ticker, p.event_ticker, p.outcome_side) for p in pairs]


async def create_market(request: Request, caller: Caller):
    body = await decode(request, shapes.CreateMarketRequest)
    svc = services(request)
    ticker = request.path_params["collection_ticker"]
    legs, tickers, created = await svc.run_write(
        _create, ticker, _legs(body.selected_markets), caller.user_seq, svc.settings.combo_creations_per_week,
        svc.clock.now_us(),
    )  # fmt: skip
    if created:
        wiring.catalog_changed(svc, tickers[1])  # the engine reads the new market and its legs
    _announce(svc, ticker, tickers, legs)
    answer: dict = {"event_ticker": tickers[0], "market_ticker": tickers[1]}
    if body.with_market_payload:
        answer["market"] = await svc.run_read(_market_payload, svc, tickers[1])
    return json_response(answer)


def _create(conn: Connection, ticker: str, legs: list[combos.Leg], user_seq: int, limit: int, now_us: int):
    row = store.get(conn, ticker)
    if row is None:  # the spec declares no 404 on this operation
        raise InvalidParameter(f"multivariate event collection {ticker} not found")
    collection = store.rules_of(row)
    chosen = combos.check_selection(collection, legs, store.leg_markets(conn, legs, now_us), now_us)
    tickers = combos.tickers_of(collection, chosen)
    if store.find(conn, tickers[1]) is None:
        store.count_creation(conn, user_seq, now_us, limit)
    return chosen, tickers, store.create(conn, row, chosen, tickers, now_us)


def _market_payload(svc, ticker: str) -> catalog.Market:
    with svc.reading() as conn:
        row = market_store.get_rendered(conn, ticker)
        assert row is not None  # made before this read, and never deleted by the API
        category = market_store.categories(conn, [row]).get(row.series_ticker, "")
    return render.market(row, svc.clock.now_us(), category)


def get_lookup_history(request: Request):
    q = Query(request.query_params)
    lookback = q.int("lookback_seconds", required=True)
    if lookback not in _LOOKBACKS:
        raise InvalidParameter(f"lookback_seconds must be one of {', '.join(map(str, _LOOKBACKS))}")
    svc = services(request)
    with svc.reading() as conn:
        row = _collection(request, conn)
        found = store.history(conn, row.collection_ticker, svc.clock.now_us() - lookback * 1_000_000)
    return json_response({"lookup_points": [shapes.lookup_point(point) for point in found]})


async def lookup_market(request: Request, caller: Caller):
    body = await decode(request, shapes.LookupRequest)
    svc = services(request)
    ticker = request.path_params["collection_ticker"]
    legs, tickers = await svc.run_write(_lookup, ticker, _legs(body.selected_markets), svc.clock.now_us())
    _announce(svc, ticker, tickers, legs)
    return json_response({"event_ticker": tickers[0], "market_ticker": tickers[1]})


def _lookup(conn: Connection, ticker: str, legs: list[combos.Leg], now_us: int):
    row = store.get(conn, ticker)
    if row is None:
        raise NotFound(f"multivariate event collection {ticker} not found")
    collection = store.rules_of(row)
    chosen = tuple(legs) if collection.is_ordered else tuple(sorted(legs, key=lambda leg: leg.market_ticker))
    tickers = combos.tickers_of(collection, chosen)
    if store.find(conn, tickers[1]) is None:
        raise NotFound(f"no market was created in collection {ticker} for this selection: create it first (POST)")
    store.touch(conn, tickers[1], now_us)
    return chosen, tickers


def _announce(svc, collection_ticker: str, tickers: tuple[str, str], legs) -> None:
    message = {
        "collection_ticker": collection_ticker,
        "event_ticker": tickers[0],
        "market_ticker": tickers[1],
        "selected_markets": store.legs_json(legs),
    }
    for listener in svc.lookup_listeners:
        listener(message)


routes = [
    route("/multivariate_event_collections", get_collections),
    route("/multivariate_event_collections/{collection_ticker}", get_collection),
    signed_route("/multivariate_event_collections/{collection_ticker}", create_market, "POST"),
    route("/multivariate_event_collections/{collection_ticker}/lookup", get_lookup_history),
    signed_route("/multivariate_event_collections/{collection_ticker}/lookup", lookup_market, "PUT"),
]
