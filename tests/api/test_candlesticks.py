"""Candlesticks built from trades as they happen, on the manual exchange clock.

A scripted sequence of orders (placed through the admin API, the clock moved through the
admin clock API between them) is replayed here into an independent model of the book's
quotes, the trades and the open interest; the candles the server serves at 1, 60 and 1440
minutes must equal the candles computed from that model. Read over raw HTTP (checked
against openapi.yaml) and through the official kalshi-python-sync SDK.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from kalshi_python_sync import Configuration, KalshiClient

from ..client import AdminClient, ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from .write_path import new_market

DAY = 86_400
_names = itertools.count(1)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False)
    yield running
    running.stop()


@pytest.fixture
def admin(server):
    client = AdminClient(server.url, ADMIN_TOKEN)
    yield client
    client.close()


@pytest.fixture
def public(server):
    with ApiClient(server.api) as client:
        yield client


def member(admin: AdminClient) -> str:
    name = f"candles-{next(_names)}"
    admin.request("PUT", f"/users/{name}", {"balance": "1000.00"})
    return name


def fresh_day(admin: AdminClient) -> int:
    """Moves the clock to the start of a UTC day after the current time; that day's Unix seconds."""
    now = admin.request("GET", "/clock")["now_us"] // 1_000_000
    day = (now // DAY + 2) * DAY
    set_clock(admin, day)
    return day


def set_clock(admin: AdminClient, ts: int) -> None:
    admin.request("POST", "/clock", {"set": datetime.fromtimestamp(ts, UTC).isoformat()})


def series_of(ticker: str) -> str:
    return ticker.split("-")[0]


# --- the independent model ---------------------------------------------------------------


@dataclass
class Model:
    """What the script did, as a client would see it: quotes after each step, trades, positions."""

    quotes: list[tuple[int, int, int, int]] = field(default_factory=list)  # (ts, bid, ask, open interest)
    trades: list[tuple[int, int, int]] = field(default_factory=list)  # (ts, price, count) in raw units
    positions: dict[str, int] = field(default_factory=dict)

    def trade(self, ts: int, price: int, count: int, buyer: str, seller: str) -> None:
        self.trades.append((ts, price, count))
        self.positions[buyer] = self.positions.get(buyer, 0) + count
        self.positions[seller] = self.positions.get(seller, 0) - count

    def quote(self, ts: int, bid: int, ask: int) -> None:
        self.quotes.append((ts, bid, ask, sum(p for p in self.positions.values() if p > 0)))


def end_of(ts: int, period: int) -> int:
    step = period * 60
    return -(-ts // step) * step


def expected(model: Model, period: int) -> list[dict]:
    """Candles as the spec describes them, from the model alone."""
    ends = sorted({end_of(ts, period) for ts, *_ in model.quotes} | {end_of(ts, period) for ts, *_ in model.trades})
    out = []
    for end in ends:
        start = end - period * 60
        inside = [q for q in model.quotes if start < q[0] <= end]
        earlier = [q for q in model.quotes if q[0] <= start]
        opening = earlier[-1] if earlier else inside[0]
        trades = [t for t in model.trades if start < t[0] <= end]
        before = [t for t in model.trades if t[0] <= start]
        bids = [opening[1]] + [q[1] for q in inside]
        asks = [opening[2]] + [q[2] for q in inside]
        volume = sum(c for _, _, c in trades)
        prices = [p for _, p, _ in trades]
        mean = (2 * sum(p * c for _, p, c in trades) + volume) // (2 * volume) if volume else None
        out.append({
            "end_period_ts": end,
            "yes_bid": (bids[0], min(bids), max(bids), bids[-1]),
            "yes_ask": (asks[0], min(asks), max(asks), asks[-1]),
            "price": (prices[0] if prices else None, min(prices, default=None), max(prices, default=None),
                      prices[-1] if prices else None, mean, before[-1][1] if before else None),
            "volume": volume,
            "open_interest": (inside or earlier)[-1][3],
        })  # fmt: skip
    return out


def dollars(raw: int | None) -> str | None:
    return None if raw is None else f"{raw // 10_000}.{raw % 10_000:04d}"


def served(candle: dict) -> dict:
    """A served candle in the model's raw units."""

    def raw(text):
        return None if text is None else int(text.replace(".", ""))

    def ohlc(quote):
        return tuple(raw(quote[f"{k}_dollars"]) for k in ("open", "low", "high", "close"))

    price = candle["price"]
    return {
        "end_period_ts": candle["end_period_ts"],
        "yes_bid": ohlc(candle["yes_bid"]),
        "yes_ask": ohlc(candle["yes_ask"]),
        "price": tuple(raw(price.get(f"{k}_dollars")) for k in ("open", "low", "high", "close", "mean", "previous")),
        "volume": raw(candle["volume_fp"]),
        "open_interest": raw(candle["open_interest_fp"]),
    }


# --- the script ----------------------------------------------------------------------------

NO_BID, NO_ASK = 0, 10_000
# (seconds after the day starts, who, side, price, count, YES quote after the step (bid, ask), trades it makes)
SCRIPT = [
    (10, "maker", "ask", 6_000, 1_000, (NO_BID, 6_000), []),
    (20, "maker", "bid", 4_000, 1_000, (4_000, 6_000), []),
    (30, "taker", "bid", 6_000, 300, (4_000, 6_000), [(6_000, 300)]),
    (45, "taker", "bid", 6_000, 700, (4_000, NO_ASK), [(6_000, 700)]),
    (60, "maker", "ask", 5_500, 500, (4_000, 5_500), []),  # exactly on the boundary: the first minute's candle
    (80, "taker", "ask", 4_000, 400, (4_000, 5_500), [(4_000, 400)]),
    (90, "taker", "bid", 5_500, 200, (4_000, 5_500), [(5_500, 200)]),
    (200, "maker", "bid", 4_500, 100, (4_500, 5_500), []),  # minute 3 passes without a change
    (3_700, "taker", "bid", 5_500, 300, (4_500, NO_ASK), [(5_500, 300)]),
    (DAY + 90, "taker", "ask", 4_500, 100, (4_000, NO_ASK), [(4_500, 100)]),
]


def run_script(admin: AdminClient, ticker: str, day: int) -> Model:
    names = {"maker": member(admin), "taker": member(admin)}
    model = Model()
    for offset, who, side, price, count, (bid, ask), trades in SCRIPT:
        set_clock(admin, day + offset)
        body = {"ticker": ticker, "side": side, "price": dollars(price), "count": f"{count // 100}.{count % 100:02d}"}
        admin.request("POST", f"/users/{names[who]}/orders", body, expect=201)
        other = "maker" if who == "taker" else "taker"
        for trade_price, trade_count in trades:
            buyer, seller = (who, other) if side == "bid" else (other, who)
            model.trade(day + offset, trade_price, trade_count, buyer, seller)
        model.quote(day + offset, bid, ask)
    return model


@pytest.fixture
def scripted(server, admin):
    day = fresh_day(admin)
    ticker = new_market(admin, close_time="2099-01-01T00:00:00Z")
    model = run_script(admin, ticker, day)
    return ticker, day, model


def candles_of(public: ApiClient, ticker: str, start: int, end: int, period: int, **extra) -> list[dict]:
    path = f"/series/{series_of(ticker)}/markets/{ticker}/candlesticks"
    body = public.ok(path, {"start_ts": start, "end_ts": end, "period_interval": period, **extra})
    assert body["ticker"] == ticker
    return body["candlesticks"]


@pytest.mark.parametrize("period", [1, 60, 1440])
def test_candles_match_the_scripted_trades(scripted, public, period):
    ticker, day, model = scripted
    found = [served(c) for c in candles_of(public, ticker, day, day + 3 * DAY, period)]
    assert found == expected(model, period)
    assert found, "the script trades in every period size"


def test_the_script_leaves_the_book_the_model_expects(scripted, public):
    ticker, _, model = scripted
    book = public.ok(f"/markets/{ticker}/orderbook")["orderbook_fp"]
    bid, ask = model.quotes[-1][1:3]
    assert book["yes_dollars"][-1][0] == dollars(bid)
    assert book["no_dollars"] == [] and ask == NO_ASK


def test_legacy_fields_carry_cents_and_whole_contracts(scripted, public):
    ticker, day, _ = scripted
    first = candles_of(public, ticker, day, day + 60, 1)[0]
    assert (first["yes_ask"]["open"], first["yes_ask"]["high"], first["yes_ask"]["close"]) == (60, 100, 55)
    assert (first["price"]["open"], first["price"]["close"], first["price"].get("previous")) == (60, 60, None)
    assert (first["volume"], first["open_interest"]) == (10, 10)


def test_only_candles_ending_inside_the_range_are_served(scripted, public):
    ticker, day, _ = scripted
    ends = [c["end_period_ts"] for c in candles_of(public, ticker, day + 120, day + 240, 1)]
    assert ends == [day + 120, day + 240]  # the minute ending at +180 saw no change: no candle
    ends = [c["end_period_ts"] for c in candles_of(public, ticker, day + 60, day + 120, 1)]
    assert ends == [day + 60, day + 120]


def test_include_latest_before_start_carries_the_last_candle_forward(scripted, public):
    ticker, day, _ = scripted
    start = day + 600  # between the candle at +240 and the one at +3,720
    plain = candles_of(public, ticker, start, day + 4_000, 1)
    carried = candles_of(public, ticker, start, day + 4_000, 1, include_latest_before_start="true")
    assert carried[1:] == plain
    synthetic = served(carried[0])
    assert synthetic["end_period_ts"] == start  # the first boundary at or after start_ts
    assert synthetic["price"] == (None, None, None, None, None, 5_500)  # previous: the last trade's price
    assert synthetic["yes_bid"] == (4_500,) * 4 and synthetic["yes_ask"] == (5_500,) * 4
    assert (synthetic["volume"], synthetic["open_interest"]) == (0, 800)
    # Nothing before start: nothing to carry.
    assert candles_of(public, ticker, day - 600, day, 1, include_latest_before_start="true") == []


def test_a_market_without_trades_has_no_candles(server, admin, public):
    ticker = new_market(admin, close_time="2099-01-01T00:00:00Z")
    assert candles_of(public, ticker, 0, 10_000, 1440) == []


def test_batch_returns_one_entry_per_requested_market(scripted, public, admin):
    ticker, day, model = scripted
    quiet = new_market(admin, close_time="2099-01-01T00:00:00Z")
    params = {"market_tickers": f"{ticker},{quiet}", "start_ts": day, "end_ts": day + 3 * DAY, "period_interval": 60}
    body = public.ok("/markets/candlesticks", params)
    assert [m["market_ticker"] for m in body["markets"]] == [ticker, quiet]
    assert [served(c) for c in body["markets"][0]["candlesticks"]] == expected(model, 60)
    assert body["markets"][1]["candlesticks"] == []


def test_event_candlesticks_list_every_market_of_the_event(scripted, public):
    ticker, day, model = scripted
    event = ticker.rsplit("-", 1)[0]
    path = f"/series/{series_of(ticker)}/events/{event}/candlesticks"
    body = public.ok(path, {"start_ts": day, "end_ts": day + 2 * DAY, "period_interval": 1440})
    assert body["market_tickers"] == [ticker] and body["adjusted_end_ts"] == day + 2 * DAY
    assert [served(c) for c in body["market_candlesticks"][0]] == expected(model, 1440)
    # 1-minute candles over four days are more than 5,000 per request: it stops and says where.
    body = public.ok(path, {"start_ts": day, "end_ts": day + 4 * DAY, "period_interval": 1})
    assert body["adjusted_end_ts"] == day + 5_000 * 60
    assert [served(c) for c in body["market_candlesticks"][0]] == expected(model, 1)
    rest = public.ok(path, {"start_ts": body["adjusted_end_ts"], "end_ts": day + 4 * DAY, "period_interval": 1})
    assert rest["market_candlesticks"] == [[]] and rest["adjusted_end_ts"] == day + 4 * DAY


def test_the_python_sdk_reads_candlesticks(server, scripted):
    ticker, day, model = scripted
    client = KalshiClient(Configuration(host=server.api))
    found = client.get_market_candlesticks(
        series_of(ticker), ticker, start_ts=day, end_ts=day + 3 * DAY, period_interval=60
    ).candlesticks
    want = expected(model, 60)
    assert [c.end_period_ts for c in found] == [c["end_period_ts"] for c in want]
    assert [c.volume for c in found] == [c["volume"] // 100 for c in want]
    assert [c.yes_bid.close_dollars for c in found] == [dollars(c["yes_bid"][3]) for c in want]
    assert [c.price.close_dollars for c in found] == [dollars(c["price"][3]) for c in want]
    batch = client.batch_get_market_candlesticks(
        market_tickers=ticker, start_ts=day, end_ts=day + 3 * DAY, period_interval=1440
    )
    daily = expected(model, 1440)
    assert [c.open_interest for c in batch.markets[0].candlesticks] == [c["open_interest"] // 100 for c in daily]
    event = client.get_market_candlesticks_by_event(
        ticker=ticker.rsplit("-", 1)[0],
        series_ticker=series_of(ticker),
        start_ts=day,
        end_ts=day + DAY,
        period_interval=60,
    )
    assert event.market_tickers == [ticker]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"end_ts": 10, "period_interval": 1}, "start_ts"),
        ({"start_ts": 0, "period_interval": 1}, "end_ts"),
        ({"start_ts": 0, "end_ts": 10}, "period_interval"),
        ({"start_ts": 0, "end_ts": 10, "period_interval": 5}, "period_interval"),
        ({"start_ts": 20, "end_ts": 10, "period_interval": 1}, "start_ts"),
        ({"start_ts": 0, "end_ts": 5_001 * 60, "period_interval": 1}, "end_ts"),
        ({"start_ts": "x", "end_ts": 10, "period_interval": 1}, "start_ts"),
        ({"start_ts": 0, "end_ts": 10, "period_interval": 1, "include_latest_before_start": "maybe"},
         "include_latest_before_start"),
    ],
)  # fmt: skip
def test_bad_parameters_are_400s_naming_them(server, admin, public, params, named):
    ticker = new_market(admin)
    body = public.error(f"/series/{series_of(ticker)}/markets/{ticker}/candlesticks", params)
    assert named in body["message"]


def test_an_unknown_market_or_the_wrong_series_is_a_404(server, admin, public):
    ticker = new_market(admin)
    params = {"start_ts": 0, "end_ts": 60, "period_interval": 1}
    public.error(f"/series/{series_of(ticker)}/markets/NOPE/candlesticks", params, status=404)
    public.error(f"/series/OTHER/markets/{ticker}/candlesticks", params, status=404)
    # The spec declares no 404 for an event's candlesticks: an event that is not there is a bad parameter.
    public.error(f"/series/OTHER/events/{ticker.rsplit('-', 1)[0]}/candlesticks", params, status=400)


def test_batch_limits(public):
    params = {"start_ts": 0, "end_ts": 60, "period_interval": 1}
    assert "market_tickers" in public.error("/markets/candlesticks", params)["message"]
    many = ",".join(f"M{i}" for i in range(101))
    assert "market_tickers" in public.error("/markets/candlesticks", {**params, "market_tickers": many})["message"]
