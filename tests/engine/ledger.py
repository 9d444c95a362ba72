"""Checks of a store's trading rows against each other and against a replay from scratch.

`check_rows` recomputes balances, positions, open interest and volumes from the fills
with plain arithmetic written here (not the venue's code). `replay` feeds every stored
order, in seq order, as a new command to a fresh venue, which must end up exactly where
the venue rebuilt from the store (the engine's start-up) is.
"""

from __future__ import annotations

import copy
from collections import Counter, defaultdict

from sqlalchemy import Engine, func, select

from kalshi_local.engine import rebuild
from kalshi_local.exchange.clock import ManualClock
from kalshi_local.exchange.orders import Account, CreateOrder
from kalshi_local.exchange.venue import Venue
from kalshi_local.store.schema import balances, fills, markets, orders, positions, trades, transfers

CENT_AMOUNT = 10_000  # Amount units (1e-6 $) per cent
PAIR = 10_000  # Amount one raw count (0.01) of a YES + NO pair returns


def rows(db_engine: Engine) -> dict[str, list]:
    with db_engine.connect() as conn:
        return {
            name: conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            for name, table in {
                "orders": orders,
                "fills": fills,
                "trades": trades,
                "positions": positions,
                "balances": balances,
                "markets": markets,
            }.items()  # fmt: skip
        }


def deposits(db_engine: Engine) -> dict[int, int]:
    """Amount deposited per user (minus withdrawals), from the transfer records."""
    with db_engine.connect() as conn:
        found = conn.execute(
            select(transfers.c.user_seq, transfers.c.kind, func.sum(transfers.c.amount_cents)).group_by(
                transfers.c.user_seq, transfers.c.kind
            )
        ).all()
    total: dict[int, int] = defaultdict(int)
    for user_seq, kind, cents in found:
        total[user_seq] += (cents if kind == "deposit" else -cents) * CENT_AMOUNT
    return dict(total)


def check_rows(db_engine: Engine) -> dict[str, int]:
    """Asserts that the rows agree with each other; returns counts of what was checked."""
    r = rows(db_engine)
    by_id = {o.order_id: o for o in r["orders"]}
    _check_orders(r["orders"])
    _check_fills_and_trades(r["fills"], r["trades"], by_id)
    _check_money_and_positions(r, deposits(db_engine))
    return {"orders": len(r["orders"]), "fills": len(r["fills"]), "trades": len(r["trades"])}


def _check_orders(order_rows: list) -> None:
    for o in order_rows:
        assert o.remaining_count >= 0 and o.fill_count >= 0, o
        assert o.fill_count + o.remaining_count <= o.initial_count, o
        if o.status == "resting":
            assert o.remaining_count > 0 and o.reserved >= 0, o  # 0: fully closing, its accumulator at a cent
        else:
            assert o.remaining_count == 0 and o.reserved == 0, o
        if o.status == "executed":
            assert o.fill_count == o.initial_count, o


def _check_fills_and_trades(fill_rows: list, trade_rows: list, by_id: dict) -> None:
    per_trade = defaultdict(list)
    filled = Counter()
    for f in fill_rows:
        order = by_id.get(f.order_id)
        assert order is not None, f"fill {f.fill_id} of a missing order {f.order_id}"
        assert (f.user_seq, f.ticker, f.book_side) == (order.user_seq, order.ticker, order.book_side), f
        per_trade[f.trade_id].append(f)
        filled[f.order_id] += f.count
    for order_id, order in by_id.items():
        assert order.fill_count == filled[order_id], (
            f"order {order_id} says {order.fill_count}, fills say {filled[order_id]}"
        )
    assert set(per_trade) == {t.trade_id for t in trade_rows}, "a fill without its trade or a trade without fills"
    for t in trade_rows:
        pair = per_trade[t.trade_id]
        assert sorted(f.is_taker for f in pair) == [False, True], t
        taker = next(f for f in pair if f.is_taker)
        assert all((f.price, f.count, f.ticker) == (t.price, t.count, t.ticker) for f in pair), t
        assert taker.book_side == t.taker_book_side and pair[0].book_side != pair[1].book_side, t


def _check_money_and_positions(r: dict, deposited: dict[int, int]) -> None:
    held: dict[tuple[int, str], int] = defaultdict(int)
    cash = dict(deposited)
    fees: dict[tuple[int, str], int] = defaultdict(int)
    for f in sorted(r["fills"], key=lambda f: f.seq):
        key = (f.user_seq, f.ticker)
        is_bid = f.book_side == "bid"
        opposite = -held[key] if is_bid else held[key]
        pairs = min(f.count, opposite) if opposite > 0 else 0
        cost = (f.price if is_bid else 10_000 - f.price) * f.count
        cash[f.user_seq] = cash.get(f.user_seq, 0) - cost - f.fee + pairs * PAIR
        held[key] += f.count if is_bid else -f.count
        fees[key] += f.fee
    reserved: dict[int, int] = defaultdict(int)
    for o in r["orders"]:
        reserved[o.user_seq] += o.reserved
    for b in r["balances"]:
        assert b.balance == cash.get(b.user_seq, 0), (
            f"user {b.user_seq}: balance {b.balance}, fills say {cash.get(b.user_seq)}"
        )
        assert b.reserved == reserved[b.user_seq] and 0 <= b.reserved <= b.balance, b
    stored = {(p.user_seq, p.ticker): p for p in r["positions"]}
    for key, count in held.items():
        assert key in stored and stored[key].position == count, (key, count, stored.get(key))
        assert stored[key].fees_paid == fees[key], (key, fees[key], stored[key])
    assert all(p.position == 0 for k, p in stored.items() if k not in held), "a position without fills"
    volume = Counter()
    for t in r["trades"]:
        volume[t.ticker] += t.count
    open_interest = 0
    for m in r["markets"]:
        longs = sum(c for (_, t), c in held.items() if t == m.ticker and c > 0)
        shorts = sum(-c for (_, t), c in held.items() if t == m.ticker and c < 0)
        assert m.open_interest == longs == shorts, (m.ticker, m.open_interest, longs, shorts)
        assert m.volume == volume[m.ticker], (m.ticker, m.volume, volume[m.ticker])
        open_interest += longs
    total_fees = sum(fees.values())
    assert sum(b.balance for b in r["balances"]) + total_fees + open_interest * PAIR == sum(deposited.values())


def rebuilt_state(db_engine: Engine, now_us: int) -> tuple[dict, Venue]:
    """The venue as the engine builds it at start-up, and its state."""
    venue, _, _ = rebuild.build(db_engine, ManualClock(now_us))
    return comparable(venue), venue


def replayed_state(db_engine: Engine, now_us: int) -> tuple[dict, Venue]:
    """A fresh venue given the deposits and every stored order again, as a new create in seq order."""
    lookups = rebuild.Lookups(db_engine, ManualClock(now_us))
    venue = Venue(lookups.rules_of, lambda user_seq, subaccount: None)
    venue.restore([], [], [Account(user_seq, 0, cash) for user_seq, cash in deposits(db_engine).items()], [])
    for o in sorted(rows(db_engine)["orders"], key=lambda o: o.seq):
        command = CreateOrder(
            o.user_seq, o.user_id, o.subaccount, o.ticker, o.book_side, o.price, o.initial_count, o.time_in_force,
            o.self_trade_prevention, o.client_order_id, o.action, o.side, o.expiration_us, o.post_only,
            o.reduce_only, None, o.cancel_order_on_pause, o.order_group_id,
        )  # fmt: skip
        venue.apply(command, o.created_us)
    venue.expire_due(now_us)
    return comparable(venue), venue


def comparable(venue: Venue) -> dict:
    """The venue's state without the times only memory keeps (market stats' updated_us),
    and with its counters and fee total."""
    state = venue.state()
    state["stats"] = {t: _without_time(s) for t, s in state["stats"].items()}  # type: ignore[attr-defined]
    state["counters"] = (venue.next_seq, venue.next_order)
    state["fees_collected"] = venue.fees_collected
    return state


def _without_time(stats):
    stats = copy.copy(stats)
    stats.updated_us = 0
    return stats
