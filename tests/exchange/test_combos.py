"""exchange/combos.py: which selections a collection takes, the tickers they get, and a combo's
outcome from its legs' results (properties with hypothesis)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalshi_local.errors import InvalidParameter
from kalshi_local.exchange import combos
from kalshi_local.exchange.lifecycle import MarketLife

NOW = 1_000_000
COLLECTION = combos.Collection(
    collection_ticker="KXMVEX-R",
    series_ticker="KXMVEX",
    open_us=0,
    close_us=2 * NOW,
    is_ordered=False,
    size_min=2,
    size_max=3,
    associated_events=(
        combos.AssociatedEvent("EA", size_max=1),
        combos.AssociatedEvent("EB", is_yes_only=True),
        combos.AssociatedEvent("EC"),
    ),
)
MARKETS = {
    "EA-1": combos.LegMarket("EA", "active"),
    "EA-2": combos.LegMarket("EA", "active"),
    "EB-1": combos.LegMarket("EB", "active"),
    "EC-1": combos.LegMarket("EC", "active"),
    "EC-2": combos.LegMarket("EC", "closed"),
}


def leg(market: str, side: str = "yes") -> combos.Leg:
    return combos.Leg(market, market.split("-")[0], side)


def life(ticker: str, result: str, value: int | None) -> MarketLife:
    return MarketLife(ticker, ticker.split("-")[0], "determined", 0, 0, True, 0, 0, result=result,
                      settlement_value=value)  # fmt: skip


@pytest.mark.parametrize(
    ("legs", "message", "now"),
    [
        ([leg("EA-1")], "takes 2 to 3 markets; got 1", NOW),
        ([leg("EA-1"), leg("EB-1"), leg("EC-1"), leg("EA-2")], "got 4", NOW),
        ([leg("EA-1"), leg("EA-2")], "at most 1 markets of event EA", NOW),
        ([leg("EA-1"), leg("EB-1", "no")], "only takes the yes side", NOW),
        ([leg("EA-1"), leg("EC-2")], "EC-2 is closed", NOW),
        ([leg("EA-1"), leg("EZ-1")], "event EZ is not in collection", NOW),
        ([leg("EA-1"), combos.Leg("EB-1", "EC", "yes")], "EB-1 is not in event EC", NOW),
        ([leg("EA-1"), leg("EA-1")], "selected twice", NOW),
        ([leg("EA-1"), leg("EB-1")], "is closed", 2 * NOW),
    ],
)
def test_bad_selections_are_refused_naming_why(legs, message, now):
    with pytest.raises(InvalidParameter, match=message):
        combos.check_selection(COLLECTION, legs, MARKETS, now)


@given(st.permutations([leg("EA-1"), leg("EB-1"), leg("EC-1", "no")]))
def test_an_unordered_collection_names_one_market_per_set_of_legs(legs):
    chosen = combos.check_selection(COLLECTION, legs, MARKETS, NOW)
    assert combos.tickers_of(COLLECTION, chosen) == combos.tickers_of(
        COLLECTION, combos.check_selection(COLLECTION, [leg("EA-1"), leg("EB-1"), leg("EC-1", "no")], MARKETS, NOW)
    )


def test_sides_and_order_name_different_markets_when_they_matter():
    ordered = dataclasses.replace(COLLECTION, is_ordered=True)
    swapped = [leg("EC-1"), leg("EA-1")]
    assert combos.check_selection(ordered, swapped, MARKETS, NOW) == tuple(swapped)
    assert combos.check_selection(COLLECTION, swapped, MARKETS, NOW) == tuple(swapped[::-1])
    base = combos.tickers_of(COLLECTION, [leg("EA-1"), leg("EC-1")])
    assert combos.tickers_of(COLLECTION, [leg("EA-1"), leg("EC-1", "no")]) != base
    assert combos.tickers_of(COLLECTION, [leg("EC-1"), leg("EA-1")]) != base  # tickers_of takes the order given
    event, market = base
    assert event.startswith("KXMVEX-S") and market.startswith(event + "-")


sides = st.sampled_from(["yes", "no"])
binary = st.sampled_from(["yes", "no"])


@given(st.lists(st.tuples(sides, binary), min_size=1, max_size=6))
def test_a_binary_combo_is_yes_iff_every_leg_went_its_way(picks):
    legs = [(f"E{i}-1", side) for i, (side, _) in enumerate(picks)]
    lives = {f"E{i}-1": life(f"E{i}-1", r, 10_000 if r == "yes" else 0) for i, (_, r) in enumerate(picks)}
    result, value = combos.outcome(legs, lives.get)
    expected = all(side == result for side, result in picks)
    assert (result, value) == (("yes", 10_000) if expected else ("no", 0))


@given(st.lists(st.tuples(sides, st.sampled_from(["yes", "no", "void"])), min_size=1, max_size=6))
def test_void_legs_drop_out_and_all_void_is_void(picks):
    legs = [(f"E{i}-1", side) for i, (side, _) in enumerate(picks)]
    lives = {
        f"E{i}-1": life(f"E{i}-1", result, None if result == "void" else (10_000 if result == "yes" else 0))
        for i, (_, result) in enumerate(picks)
    }
    kept = [(side, result) for side, result in picks if result != "void"]
    found = combos.outcome(legs, lives.get)
    if not kept:
        assert found == ("void", 0)
    else:
        assert found == combos.outcome([(f"K{i}-1", s) for i, (s, _) in enumerate(kept)],
                                       {f"K{i}-1": life(f"K{i}-1", r, 10_000 if r == "yes" else 0)
                                        for i, (_, r) in enumerate(kept)}.get)  # fmt: skip


def test_a_scalar_leg_makes_the_combo_pay_the_product_and_an_open_leg_leaves_no_outcome():
    lives = {"E1-1": life("E1-1", "scalar", 2_500), "E2-1": life("E2-1", "yes", 10_000)}
    assert combos.outcome([("E1-1", "yes"), ("E2-1", "yes")], lives.get) == ("scalar", 2_500)
    assert combos.outcome([("E1-1", "no"), ("E2-1", "yes")], lives.get) == ("scalar", 7_500)
    lives["E3-1"] = life("E3-1", "", None)
    assert combos.outcome([("E1-1", "yes"), ("E3-1", "yes")], lives.get) is None
    assert combos.outcome([("E1-1", "yes"), ("E9-1", "yes")], lives.get) is None
