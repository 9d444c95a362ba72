"""Building the venue from the store: at start-up, after a failed batch and after a reset.

The in-memory venue is a cache of the store: resting orders in seq order, positions,
balances and market stats are read back, and the id counters continue after the
highest seqs ever handed out. Market rules and accounts the venue has not seen are
read on demand (`Lookups`).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, func, or_, select

from ..exchange.clock import Clock
from ..exchange.fee_changes import FeeChange
from ..exchange.lifecycle import TIME_DRIVEN, TIMER_RUNNING, MarketLife, effective_status
from ..exchange.orders import Account, MarketRules, MarketStats, Order, Position, Trade
from ..exchange.venue import Venue
from ..store import exchange as exchange_store
from ..store import multivariate as mve_store
from ..store import order_groups as order_groups_store
from ..store import rfqs as rfq_store
from ..store import subaccounts as subaccount_store
from ..store.schema import balances, events, fills, markets, orders, positions, series, settlement_timers, trades
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

# The enum and flag columns of an order travel as one small int (`_kind_column`): the driver then
# makes one shared int per row instead of eight new strings and booleans, the bulk of its time.
_KIND_BITS: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("book_side", ("bid", "ask")),
    ("time_in_force", ("good_till_canceled", "immediate_or_cancel", "fill_or_kill")),
    ("self_trade_prevention", ("taker_at_cross", "maker")),
    ("action", ("buy", "sell")),
    ("side", ("yes", "no")),
    ("post_only", (False, True)),
    ("reduce_only", (False, True)),
    ("cancel_order_on_pause", (False, True)),
)
_KIND_FIELDS = tuple(name for name, _ in _KIND_BITS)
_PLAIN_FIELDS = tuple(name for name in _ORDER_FIELDS if name not in _KIND_FIELDS and name != "status")


def _kind_shifts() -> list[int]:
    """The bit offset of each enum in the kind (each takes the bits its values need)."""
    shifts, at = [], 0
    for _, values in _KIND_BITS:
        shifts.append(at)
        at += (len(values) - 1).bit_length()
    return shifts


def _kind_column():
    """SQL for the kind: the sum of each column's value index at its offset; NULL for a value
    outside the enum (the order is then refused by `_KINDS`)."""
    total = None
    for (name, values), shift in zip(_KIND_BITS, _kind_shifts(), strict=True):
        column = orders.c[name]
        if values[0] is False:  # a boolean: false is 0
            term = case((column, 1 << shift), else_=0)
        else:
            term = case(*((column == value, index << shift) for index, value in enumerate(values)))
        total = term if total is None else total + term
    return total


def _kinds() -> dict[int, tuple[Any, ...]]:
    """kind -> the enum values in _KIND_FIELDS' order."""
    return {
        sum(index << shift for index, shift in zip(indexes, _kind_shifts(), strict=True)): tuple(
            values[index] for (_, values), index in zip(_KIND_BITS, indexes, strict=True)
        )
        for indexes in itertools.product(*(range(len(values)) for _, values in _KIND_BITS))
    }


_KINDS = _kinds()


def _resting_order(
    seq, order_id, user_seq, user_id, subaccount, ticker, event_ticker, price, initial_count, remaining_count,
    fill_count, client_order_id, order_group_id, expiration_us, created_us, updated_us, taker_fill_cost,
    maker_fill_cost, taker_fees, maker_fees, fee_accumulator, reserved, kind,
) -> Order:  # fmt: skip
    """An Order from a row of `_PLAIN_FIELDS` and the kind."""
    try:
        book_side, time_in_force, self_trade_prevention, action, side, post_only, reduce_only, on_pause = _KINDS[kind]
    except KeyError:
        raise ValueError(f"order {order_id} has an enum value the venue does not know") from None
    return Order(
        seq, order_id, user_seq, user_id, subaccount, ticker, event_ticker, book_side, price, initial_count,
        remaining_count, fill_count, "resting", time_in_force, self_trade_prevention, client_order_id, action, side,
        post_only, reduce_only, on_pause, order_group_id, expiration_us, created_us, updated_us, taker_fill_cost,
        maker_fill_cost, taker_fees, maker_fees, fee_accumulator, reserved,
    )  # fmt: skip


def _resting_orders(conn: Connection) -> list[Order]:
    """Resting orders in seq order. A million of them: read on the driver's own cursor,
    which skips SQLAlchemy's per-row processing, in chunks, so that the driver's rows
    never all exist next to the orders."""
    o = orders.c
    query = (
        select(*(o[name] for name in _PLAIN_FIELDS), _kind_column())
        .where(o.status == "resting")
        .order_by(o.seq)
    )  # fmt: skip
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    driver = conn.connection.driver_connection
    assert driver is not None  # an open connection always has one
    found: list[Order] = []
    cursor = driver.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_CHUNK):
            found += itertools.starmap(_resting_order, rows)
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
    with _collector_paused():
        with db_engine.connect() as conn:
            state = load_state(conn)
            exchange_state = exchange_store.state(conn)
            gross = subaccount_store.gross_accounts(conn)
            groups = order_groups_store.load(conn, clock.now_us())
            open_rfqs, quotes = rfq_store.load(conn)
            transfers = subaccount_store.transfer_keys(conn)
        venue = factory(
            lookups.rules_of, lookups.account_of, next_seq=state.last_seq + 1, next_order=state.last_order + 1
        )
        use_lives = getattr(venue, "use_lives", None)
        # The venue keeps lifecycles: trading no longer follows timed rules (and no batch
        # must read every market's rules again when one would have opened or closed).
        lookups.timed_rules = use_lives is None
        touched = itertools.chain((row.ticker for row in state.stats), (order.ticker for order in state.orders))
        with lookups.preloaded(touched):
            venue.restore(state.orders, state.positions, state.accounts, state.stats, state.trades)
        netting = getattr(venue, "netting", None)
        if netting is not None:  # accounts with netting off, transfers done (exchange/subaccounts.py)
            netting.gross.update(gross)
            netting.transfers.update(transfers)
        if use_lives is not None:
            use_lives(lookups.lives_of)
        use_exchange_state = getattr(venue, "use_exchange_state", None)
        if use_exchange_state is not None:  # pauses follow the stored switches and schedule
            use_exchange_state(exchange_state, clock.now_us())
        use_order_groups = getattr(venue, "use_order_groups", None)
        if use_order_groups is not None:
            use_order_groups(groups)
        use_fee_changes = getattr(venue, "use_fee_changes", None)
        if use_fee_changes is not None:  # series fee changes still to come (exchange/fee_changes.py)
            use_fee_changes(lookups.fee_changes_of)
        restore_rfqs = getattr(venue, "restore_rfqs", None)
        if restore_rfqs is not None:  # RFQs, quotes and their timers (exchange/rfqs.py)
            restore_rfqs(open_rfqs, quotes)
    return venue, lookups, state


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: a rebuild makes millions of long-lived objects
    and no garbage, and each collection would walk all of them again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        self.timed_rules = True  # False once the venue follows lifecycles itself (Venue.use_lives)
        self._preloaded: dict[str, Any] = {}  # ticker -> rules row, during a rebuild

    def forget(self) -> None:
        self.stale_at = _INFINITY

    def rules_of(self, ticker: str) -> MarketRules | None:
        row = self._preloaded.pop(ticker, None)
        if row is None:
            with self._db.connect() as conn:
                row = conn.execute(_rules_query().where(markets.c.ticker == ticker)).first()
        if row is None:
            return None
        now = self._clock.now_us()
        if self.timed_rules:
            self.stale_at = min(self.stale_at, _next_change(row.open_us, row.close_us, now))
        return MarketRules(
            ticker=row.ticker,
            event_ticker=row.event_ticker,
            trading=effective_status(row.status, row.open_us, row.close_us, now) == "active",
            price_level_structure=row.price_level_structure,
            fee_type=row.fee_type_override or row.fee_type or "quadratic",
            fee_multiplier=row.fee_multiplier_override or row.fee_multiplier or "1",
            series_ticker=row.series_ticker or "",
            fee_type_override=row.fee_type_override,
            fee_multiplier_override=row.fee_multiplier_override,
        )

    @contextlib.contextmanager
    def preloaded(self, tickers: Iterable[str]) -> Iterator[None]:
        """Meanwhile, `rules_of` answers for `tickers` from a few queries made here (a rebuild
        touches every market with stats or resting orders: one query each would dominate it)."""
        wanted = sorted(set(tickers))
        with self._db.connect() as conn:
            for start in range(0, len(wanted), _PRELOAD_CHUNK):
                chunk = wanted[start : start + _PRELOAD_CHUNK]
                for row in conn.execute(_rules_query().where(markets.c.ticker.in_(chunk))):
                    self._preloaded[row.ticker] = row
        try:
            yield
        finally:
            self._preloaded.clear()

    def lives_of(self, ticker: str | None) -> list[MarketLife]:
        """The lifecycle of market `ticker` ([] if there is none), or with None those of every
        market with a timer pending (not yet open or closed, or its settlement timer running)
        and of every combo not finalized."""
        m, t, combo = markets.c, settlement_timers.c, mve_store.mve_markets.c
        query = select(
            m.ticker, m.event_ticker, m.status, m.open_us, m.close_us, m.can_close_early,
            m.settlement_timer_seconds, m.latest_expiration_us, m.expected_expiration_us, m.result,
            m.settlement_value, m.expiration_value, t.timer_start_us, m.settlement_us, m.updated_us, t.voided,
            combo.legs,
        ).select_from(
            markets.outerjoin(settlement_timers, t.ticker == m.ticker).outerjoin(
                mve_store.mve_markets, combo.market_ticker == m.ticker
            )
        )  # fmt: skip
        if ticker is None:  # and every unsettled combo: a leg's result moves it (exchange/transitions.py)
            pending = m.status.in_(sorted(TIME_DRIVEN | TIMER_RUNNING))
            query = query.where(or_(pending, and_(combo.legs.is_not(None), m.status != "finalized")))
        else:
            query = query.where(m.ticker == ticker)
        with self._db.connect() as conn:
            return [_life(row) for row in conn.execute(query)]

    def fee_changes_of(self) -> list[FeeChange]:
        """The series fee changes not yet applied, in the order they take effect."""
        with self._db.connect() as conn:
            return [_fee_change(row) for row in exchange_store.pending_fee_changes(conn)]

    def account_of(self, user_seq: int, subaccount: int) -> Account | None:
        b = balances.c
        query = select(*(b[n] for n in _ACCOUNT_FIELDS)).where(b.user_seq == user_seq, b.subaccount == subaccount)
        with self._db.connect() as conn:
            row = conn.execute(query).first()
        return Account(*row) if row else None


_PRELOAD_CHUNK = 500  # tickers per IN (...): within every backend's limit on parameters


def _rules_query():
    m, e, s = markets.c, events.c, series.c
    return (
        select(
            m.ticker,
            m.event_ticker,
            m.series_ticker,
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
    )


def _fee_change(row) -> FeeChange:
    return FeeChange(row.id, row.series_ticker, row.fee_type, row.fee_multiplier, row.scheduled_us, row.seq)


def _next_change(open_us: int, close_us: int, now: int) -> int:
    """The first of open and close still ahead of `now`: the status may change then."""
    ahead = [t for t in (open_us, close_us) if t > now]
    return min(ahead) if ahead else _INFINITY


def _life(row) -> MarketLife:
    # A market determined by a scenario (no timer row) runs its timer from its last update.
    started = row.timer_start_us
    if started is None and row.status in TIMER_RUNNING:
        started = row.updated_us
    return MarketLife(
        ticker=row.ticker,
        event_ticker=row.event_ticker,
        status=row.status,
        open_us=row.open_us,
        close_us=row.close_us,
        can_close_early=row.can_close_early,
        settlement_timer_s=row.settlement_timer_seconds,
        latest_expiration_us=row.latest_expiration_us,
        expected_expiration_us=row.expected_expiration_us,
        result="void" if row.voided else row.result,
        settlement_value=row.settlement_value,
        expiration_value=row.expiration_value,
        timer_start_us=started,
        settlement_us=row.settlement_us,
        updated_us=row.updated_us,
        legs=mve_store.legs_of(row.legs),
    )
