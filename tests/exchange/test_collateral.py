"""exchange/collateral.py: the incremental frontier against closing shares computed from scratch."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from kalshi_local.exchange.collateral import Ladder, Rung
from kalshi_local.exchange.orders import Order


def _order(seq: int, price: int, count: int) -> Order:
    return Order(seq, f"o{seq}", 1, "u", 0, "T", "E", "bid", price, count, count, 0, "resting", "good_till_canceled",
                 "taker_at_cross", "", "buy", "yes", False, False, False, None, None, 0, 0)  # fmt: skip


def _from_scratch(rungs: list[Rung], closable: int) -> dict[int, int]:
    """seq -> closing count: capacity handed to the oldest first."""
    left, closing = closable, {}
    for rung in rungs:
        closing[rung.seq] = min(left, rung.count)
        left -= closing[rung.seq]
    return closing


def _credit(rungs: list[Rung], closable: int) -> int:
    shares = _from_scratch(rungs, closable)
    return sum(rung.unit * shares[rung.seq] for rung in rungs)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.integers(0, 2**32))
def test_the_frontier_matches_a_recomputation_after_every_change(seed):
    rng = random.Random(seed)
    ladder, live, seq, settled = Ladder(), [], 0, {}
    for _ in range(60):
        roll = rng.random()
        moved: list[Rung] = []
        touched = None
        if roll < 0.4 or not live:
            seq += 1
            rung = Rung(_order(seq, rng.randint(1, 99) * 100, rng.randint(1, 20) * 50), 0, ladder)
            rung.unit = rung.order.price
            ladder.append(rung)
            live.append(rung)
        elif roll < 0.6:
            rung = live.pop(rng.randrange(len(live)))
            ladder.remove(rung)
        elif roll < 0.8:
            touched = rng.choice(live)
            ladder.resize(touched, rng.randint(1, 20) * 50)
        closable = rng.choice([ladder.closable, rng.randint(0, 25) * 50, rng.randint(0, 400) * 50])
        gone = rng.sample(live, min(len(live), rng.randint(0, 2)))
        extra_unit, extra_count = rng.randint(1, 99) * 100, rng.randint(0, 20) * 50
        kept = [rung for rung in live if rung not in gone]
        extra = Rung(_order(seq + 1, extra_unit, extra_count), extra_unit, ladder)
        predicted = ladder.credit_after(closable, gone, extra_unit, extra_count)
        assert predicted == _credit(kept + ([extra] if extra_count else []), closable)
        ladder.settle(closable, moved)
        expected = _from_scratch(live, closable)
        assert {rung.seq: ladder.closing(rung) for rung in live} == expected
        assert ladder.total_credit() == _credit(live, closable)
        untouched = {s for s in expected if s in settled and (touched is None or s != touched.seq)}
        changed = {s for s in untouched if expected[s] != settled[s]}
        assert changed <= {rung.seq for rung in moved}, "an order whose share moved was not reported"
        settled = expected
        assert [rung.seq for rung in ladder] == [rung.seq for rung in live] and ladder.size == len(live)
