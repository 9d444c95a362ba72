"""Order request bodies as clients send them, and the commands they become (no server needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalshi_local.errors import InvalidParameter
from kalshi_local.exchange.orders import CancelOrder
from kalshi_local.models import trading_inputs as ti

WHO = ti.Who(7, "user-7")
V2 = {"ticker": "MKT", "side": "bid", "count": "1", "price": "0.01"}
V1 = {"ticker": "MKT", "action": "buy", "side": "yes", "count": 1, "yes_price": 42}


def create_v2(**fields):
    return ti.create_v2(ti.decode({**V2, **fields}, ti.CreateOrderV2), WHO)


def create_v1(drop=(), **fields):
    body = {**{k: v for k, v in V1.items() if k not in drop}, **fields}
    return ti.create_v1(ti.decode(body, ti.CreateOrderV1), WHO)


def rejected(make, field: str, **kwargs) -> str:
    with pytest.raises(InvalidParameter) as caught:
        make(**kwargs)
    assert field in caught.value.message, caught.value.message
    return caught.value.message


# --- V2 create ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "raw"), [("0.01", 100), ("0.0100", 100), ("0.5", 5_000), ("0.9999", 9_999), (".5", None)]
)
def test_v2_prices_as_clients_write_them(price, raw):
    if raw is None:
        rejected(create_v2, "price", price=price)
    else:
        assert create_v2(price=price).price == raw


@pytest.mark.parametrize(("count", "raw"), [("1", 100), ("2.00", 200), ("0.01", 1), (3, 300), ("2.5", 250)])
def test_v2_counts_as_clients_write_them(count, raw):
    assert create_v2(count=count).count == raw


@pytest.mark.parametrize("price", ["0", "1", "1.00", "-0.5", "0.00001", "abc", "", 1])
def test_v2_prices_outside_0_to_1_or_malformed_are_refused(price):
    rejected(create_v2, "price", price=price)


@pytest.mark.parametrize("count", ["0", "0.00", "-1", "1.001", "one", 1.5])
def test_v2_counts_must_be_positive_hundredths(count):
    rejected(create_v2, "count", count=count)


def test_v2_defaults_and_direction():
    bid = create_v2()
    assert (bid.book_side, bid.action, bid.side, bid.client_order_id) == ("bid", "buy", "yes", "")
    assert (bid.time_in_force, bid.self_trade_prevention, bid.subaccount) == ("good_till_canceled", "taker_at_cross", 0)
    ask = create_v2(
        side="ask",
        self_trade_prevention_type="maker",
        time_in_force="immediate_or_cancel",
        expiration_time=1_900_000_000,
        post_only=True,
        reduce_only=True,
        order_group_id="g1",
        cancel_order_on_pause=True,
        subaccount=3,
        client_order_id="mine",
    )
    assert (ask.book_side, ask.action, ask.side) == ("ask", "sell", "yes")
    assert (ask.self_trade_prevention, ask.time_in_force, ask.expiration_us) == (
        "maker",
        "immediate_or_cancel",
        1_900_000_000_000_000,
    )
    assert (ask.post_only, ask.reduce_only, ask.order_group_id, ask.cancel_order_on_pause) == (True, True, "g1", True)
    assert (ask.subaccount, ask.client_order_id, ask.user_seq, ask.user_id) == (3, "mine", 7, "user-7")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("side", "yes"),
        ("time_in_force", "gtc"),
        ("self_trade_prevention_type", "none"),
        ("subaccount", 33),
        ("subaccount", -1),
        ("post_only", "yes"),
        ("expiration_time", -5),
        ("ticker", ""),
    ],
)
def test_v2_wrong_values_name_the_field(field, value):
    rejected(create_v2, field, **{field: value})


@pytest.mark.parametrize("missing", ["ticker", "side", "count", "price"])
def test_v2_required_fields(missing):
    with pytest.raises(InvalidParameter, match=missing):
        ti.decode({k: v for k, v in V2.items() if k != missing}, ti.CreateOrderV2)


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidParameter, match="body"):
        ti.decode([], ti.CreateOrderV2)


# --- V2 amend, decrease, batches ------------------------------------------------------------------


def test_v2_amend_and_decrease():
    amend = ti.amend_v2(
        ti.decode({**V2, "price": "0.30", "count": "5", "updated_client_order_id": "n"}, ti.AmendOrderV2), WHO, "o1", 2
    )
    assert (amend.order_id, amend.price, amend.count, amend.updated_client_order_id, amend.subaccount) == (
        "o1",
        3_000,
        500,
        "n",
        2,
    )
    by = ti.decrease_v2(ti.decode({"reduce_by": "1.50"}, ti.DecreaseOrderV2), WHO, "o1", None)
    to = ti.decrease_v2(ti.decode({"reduce_to": "0"}, ti.DecreaseOrderV2), WHO, "o1", None)
    assert (by.reduce_by, by.reduce_to, to.reduce_by, to.reduce_to) == (150, None, None, 0)


@pytest.mark.parametrize("body", [{}, {"reduce_by": "1", "reduce_to": "2"}, {"reduce_by": "0"}, {"reduce_to": "-1"}])
def test_v2_decrease_needs_exactly_one_valid_amount(body):
    with pytest.raises(InvalidParameter, match="reduce_"):
        ti.decrease_v2(ti.decode(body, ti.DecreaseOrderV2), WHO, "o1", None)


def test_batches_name_the_item_and_are_capped():
    body = ti.decode({"orders": [V2, {**V2, "price": "1.5"}]}, ti.BatchCreateV2)
    with pytest.raises(InvalidParameter, match=r"orders\[1\]\.price"):
        [ti.create_v2(o, WHO, f"orders[{i}].") for i, o in enumerate(body.orders)]
    with pytest.raises(InvalidParameter, match=r"orders\[0\]\.side"):
        ti.decode({"orders": [{**V2, "side": "up"}]}, ti.BatchCreateV2)
    with pytest.raises(InvalidParameter, match="orders"):
        ti.decode({"orders": [V2] * (ti.MAX_BATCH + 1)}, ti.BatchCreateV2)
    with pytest.raises(InvalidParameter, match="orders"):
        ti.decode({"orders": []}, ti.BatchCancelV2)
    cancels = ti.cancel_items(
        ti.decode({"orders": [{"order_id": "a"}, {"order_id": "b", "subaccount": 1}]}, ti.BatchCancelV2).orders, WHO
    )
    assert cancels == [CancelOrder(7, "a", 0), CancelOrder(7, "b", 1)]  # the primary unless named


def test_v1_batch_cancel_takes_ids_or_orders():
    assert ti.batch_cancel_v1(ti.decode({"ids": ["a"]}, ti.BatchCancelV1), WHO) == [CancelOrder(7, "a", 0)]
    assert ti.batch_cancel_v1(ti.decode({"orders": [{"order_id": "b", "subaccount": 2}]}, ti.BatchCancelV1), WHO) == [
        CancelOrder(7, "b", 2)
    ]
    for body, named in (({}, "orders"), ({"ids": []}, "ids"), ({"ids": ["a"], "orders": [{"order_id": "b"}]}, "ids")):
        with pytest.raises(InvalidParameter, match=f"^{named}: "):
            ti.batch_cancel_v1(ti.decode(body, ti.BatchCancelV1), WHO)


# --- V1 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "side", "price_field", "value", "book_side", "yes_price"),
    [
        ("buy", "yes", "yes_price", 42, "bid", 4_200),
        ("buy", "no", "no_price", 58, "ask", 4_200),
        ("sell", "yes", "yes_price", 42, "ask", 4_200),
        ("sell", "no", "no_price", 58, "bid", 4_200),
        ("buy", "no", "yes_price_dollars", "0.42", "ask", 4_200),
        ("buy", "yes", "no_price_dollars", "0.5800", "bid", 4_200),
    ],
)
def test_v1_direction_and_price_become_a_book_side_and_a_yes_price(
    action, side, price_field, value, book_side, yes_price
):
    cmd = create_v1(drop=("yes_price",), action=action, side=side, **{price_field: value})
    assert (cmd.book_side, cmd.price, cmd.action, cmd.side) == (book_side, yes_price, action, side)


@pytest.mark.parametrize("prices", [{}, {"no_price": 50}, {"yes_price_dollars": "0.42"}])
def test_v1_needs_exactly_one_price(prices):
    body = {"drop": ("yes_price",)} if not prices else {**prices}
    rejected(create_v1, "yes_price", **body)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("yes_price", 0),
        ("yes_price", 100),
        ("no_price", -1),
        ("yes_price_dollars", "1.0"),
        ("count", -1),
        ("count", 0),
        ("action", "hold"),
        ("side", "bid"),
        ("buy_max_cost", 0),
        ("type", "stop"),
    ],
)
def test_v1_out_of_range_values(field, value):
    drop = ("yes_price",) if field.endswith("_dollars") or field == "no_price" else ()
    rejected(create_v1, field, drop=drop, **{field: value})


def test_v1_counts():
    assert create_v1(count=3).count == 300
    assert create_v1(drop=("count",), count_fp="2.50").count == 250
    assert create_v1(count=2, count_fp="2.00").count == 200
    rejected(create_v1, "count_fp", count=2, count_fp="3")
    rejected(create_v1, "count", drop=("count",))


def test_v1_options():
    cmd = create_v1(
        expiration_ts=1_900_000_000,
        sell_position_floor=0,
        action="sell",
        post_only=True,
        self_trade_prevention_type="maker",
        subaccount=4,
        client_order_id="x",
    )
    assert (cmd.expiration_us, cmd.reduce_only, cmd.post_only) == (1_900_000_000_000_000, True, True)
    assert (cmd.self_trade_prevention, cmd.subaccount, cmd.client_order_id) == ("maker", 4, "x")
    assert not create_v1(sell_position_floor=0, action="buy").reduce_only  # a floor on sells only
    rejected(create_v1, "sell_position_floor", sell_position_floor=5)
    rejected(create_v1, "buy_max_cost", action="sell", buy_max_cost=100)


def test_v1_every_order_needs_a_price_as_type_market_is_no_longer_offered():
    message = rejected(create_v1, "type", drop=("yes_price",), type="market", buy_max_cost=500)
    assert message.startswith("type: market orders are no longer offered (Kalshi removed type=market)")
    assert "a price is required" in rejected(create_v1, "yes_price", drop=("yes_price",), buy_max_cost=500)
    capped = create_v1(type="market", yes_price=40, buy_max_cost=500)  # an older client's type is ignored
    assert (capped.price, capped.buy_max_cost) == (4_000, 5_000_000)


def test_v1_amend_and_decrease():
    amend = ti.amend_v1(
        ti.decode({"ticker": "MKT", "action": "buy", "side": "no", "no_price": 30, "count": 4}, ti.AmendOrderV1),
        WHO,
        "o9",
    )
    assert (amend.book_side, amend.price, amend.count, amend.order_id) == ("ask", 7_000, 400, "o9")
    price_only = {"ticker": "MKT", "action": "buy", "side": "no", "no_price": 30}
    assert ti.amend_v1(ti.decode(price_only, ti.AmendOrderV1), WHO, "o9").count is None  # the count stays
    dec = ti.decrease_v1(ti.decode({"reduce_by": 2, "reduce_by_fp": "2.00"}, ti.DecreaseOrderV1), WHO, "o9")
    assert (dec.reduce_by, dec.reduce_to) == (200, None)
    assert ti.decrease_v1(ti.decode({"reduce_to_fp": "0.5"}, ti.DecreaseOrderV1), WHO, "o9").reduce_to == 50
    for body in ({}, {"reduce_by": 1, "reduce_to": 0}, {"reduce_by": 1, "reduce_by_fp": "2"}):
        with pytest.raises(InvalidParameter, match="reduce_"):
            ti.decrease_v1(ti.decode(body, ti.DecreaseOrderV1), WHO, "o9")


@given(cents=st.integers(1, 99))
def test_a_no_price_is_the_complement_of_the_yes_price(cents):
    by_no = create_v1(drop=("yes_price",), no_price=cents)
    by_yes = create_v1(yes_price=100 - cents)
    assert by_no.price == by_yes.price == (100 - cents) * 100


def test_only_exchange_index_0_is_taken():
    assert create_v2(exchange_index=0).ticker
    assert "exchange_index" in rejected(create_v2, "exchange_index", exchange_index=5)
    rejected(create_v1, "exchange_index", exchange_index=1)
