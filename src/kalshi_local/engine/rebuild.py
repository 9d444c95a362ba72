"""Building the venue from the store: at start-up, after a failed batch and after a reset.

The in-memory venue is a cache of the store: resting orders in seq order, positions,
balances and market stats are read back, and the id counters continue after the
highest seqs ever handed out. Market rules and accounts the venue has not seen are
read on demand (`Lookups`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, func, select

from ..exchange.clock import Clock
from ..exchange.lifecycle import effective_status
from ..exchange.orders import Account, MarketRules, MarketStats, Order, Position, Trade
from ..exchange.venue import Venue
from ..store.schema import balances, events, fills, markets, orders, positions, series, trades
from . import writer

_ORDER_FIELDS = tuple(Order.__dataclass_fields__)
_POSITION_FIELDS = tuple(Position.__dataclass_fields__)
_ACCOUNT_FIELDS = tuple(Account.__dataclass_fields__)
_TRADE_FIELDS = tuple(Trade.__dataclass_fields__)
_STATS_FIELDS = tuple(name for name in MarketStats.__dataclass_fields__ if name != "updated_us")

VenueFactory = Callable[..., Venue]  # Venue's constructor: (rules_of, account_of, next_seq=, next_order=)


@dataclass(slots=True)
class State:
    """What a venue is rebuilt from."""

    orders: list[Order] = field(default_factory=list)  # resting, in seq order
    positions: list[Position] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    stats: list[MarketStats] = field(default_factory=list)
    trades: list[Trade] = field(default_factory=list)  # those volume_24h counts, oldest first
    last_seq: int = 0  # the highest event seq handed out
    last_order: int = 0  # the highest order number handed out (order ids derive from it)


def load_state(conn: Connection) -> State:
    """The trading state as the store holds it."""
    o, p, b = orders.c, positions.c, balances.c
    saved_seq, saved_order = writer.load_counters(conn)
    stats = [_stats(row) for row in conn.execute(select(markets.c.ticker, *_stats_columns())).all()]
    return State(
        orders=_resting_orders(conn),
        positions=[Position(*row) for row in conn.execute(select(*(p[n] for n in _POSITION_FIELDS)))],
        accounts=[Account(*row) for row in conn.execute(select(*(b[n] for n in _ACCOUNT_FIELDS)))],
        stats=stats,
        trades=[trade for market in stats if market.volume_24h for trade in _window(conn, market)],
        last_seq=max(saved_seq, _max_seq(conn)),
        # Order numbers are not seqs: only a store the engine never wrote falls back on the seqs.
        last_order=saved_order or conn.execute(select(func.max(o.seq))).scalar() or 0,
    )


_CHUNK = 10_000  # rows per fetch from the driver
_BOOLEANS = [i for i, name in enumerate(_ORDER_FIELDS) if name in ("post_only", "reduce_only", "cancel_order_on_pause")]


def _resting_orders(conn: Connection) -> list[Order]:
    """Resting orders in seq order. A million of them: read on the driver's own cursor,
    which skips SQLAlchemy's per-row processing (SQLite then gives booleans as 0/1), in
    chunks, so that the driver's rows never all exist next to the orders."""
    o = orders.c
    query = select(*(o[name] for name in _ORDER_FIELDS)).where(o.status == "resting").order_by(o.seq)
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection always has one
    as_booleans = conn.dialect.name == "sqlite"
    first, second, third = _BOOLEANS
    found: list[Order] = []
    cursor = driver.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_CHUNK):
            if not as_booleans:
                found += [Order(*row) for row in rows]
                continue
            for row in rows:
                order = Order(*row)
                order.post_only, order.reduce_only = row[first] == 1, row[second] == 1
                order.cancel_order_on_pause = row[third] == 1
                found.append(order)
    finally:
        cursor.close()
    return found


def _window(conn: Connection, market: MarketStats) -> list[Trade]:
    """The trades a market's stored volume_24h counts (its newest ones), oldest first: the
    venue takes off those older than a day at its next batch, also after a long stop."""
    t = trades.c
    query = select(*(t[name] for name in _TRADE_FIELDS)).where(t.ticker == market.ticker).order_by(t.seq.desc())
    found, counted = [], 0
    result = conn.execute(query)
    try:
        for row in result:  # left once the volume is reached
            found.append(Trade(*row))
            counted += found[-1].count
            if counted >= market.volume_24h:
                break
    finally:
        result.close()
    found.reverse()
    return found


def _stats_columns():
    return [markets.c[name] for name in _STATS_FIELDS if name != "ticker"]


def _stats(row) -> MarketStats:
    return MarketStats(*row)


def _max_seq(conn: Connection) -> int:
    highest = [conn.execute(select(func.max(t.c.seq))).scalar() or 0 for t in (fills, trades, positions)]
    return max(highest)


def build(db_engine: Engine, clock: Clock, factory: VenueFactory = Venue) -> tuple[Venue, Lookups, State]:
    """A venue holding the store's state, with its lookups."""
    lookups = Lookups(db_engine, clock)
    with db_engine.connect() as conn:
        state = load_state(conn)
    venue = factory(lookups.rules_of, lookups.account_of, next_seq=state.last_seq + 1, next_order=state.last_order + 1)
    venue.restore(state.orders, state.positions, state.accounts, state.stats, state.trades)
    return venue, lookups, state


_INFINITY = 1 << 62


class Lookups:
    """Reads what the venue asks for on its first use of a market or account.

    Rules hold whether a market trades now, which the clock changes at the market's
    open and close times: `stale_at` is the earliest such time among the rules
    handed out, after which the engine drops them all.
    """

    def __init__(self, db_engine: Engine, clock: Clock) -> None:
        self._db = db_engine
        self._clock = clock
        self.stale_at = _INFINITY

    def forget(self) -> None:
        self.stale_at = _INFINITY

    def rules_of(self, ticker: str) -> MarketRules | None:
        m, e, s = markets.c, events.c, series.c
        query = (
            select(
                m.ticker,
                m.event_ticker,
                m.status,
                m.open_us,
                m.close_us,
                m.price_level_structure,
                e.fee_type_override,
                e.fee_multiplier_override,
                s.fee_type,
                s.fee_multiplier,
            )  # fmt: skip
            .select_from(markets.outerjoin(events, e.event_ticker == m.event_ticker))
            .outerjoin(series, s.ticker == m.series_ticker)
            .where(m.ticker == ticker)
        )
        with self._db.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        now = self._clock.now_us()
        self.stale_at = min(self.stale_at, _next_change(row.open_us, row.close_us, now))
        return MarketRules(
            ticker=row.ticker,
            event_ticker=row.event_ticker,
            trading=effective_status(row.status, row.open_us, row.close_us, now) == "active",
            price_level_structure=row.price_level_structure,
            fee_type=row.fee_type_override or row.fee_type or "quadratic",
            fee_multiplier=row.fee_multiplier_override or row.fee_multiplier or "1",
        )

    def account_of(self, user_seq: int, subaccount: int) -> Account | None:
        b = balances.c
        query = select(*(b[n] for n in _ACCOUNT_FIELDS)).where(b.user_seq == user_seq, b.subaccount == subaccount)
        with self._db.connect() as conn:
            row = conn.execute(query).first()
        return Account(*row) if row else None


def _next_change(open_us: int, close_us: int, now: int) -> int:
    """The first of open and close still ahead of `now`: the status may change then."""
    ahead = [t for t in (open_us, close_us) if t > now]
    return min(ahead) if ahead else _INFINITY
