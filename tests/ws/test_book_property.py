"""Property: random order streams on several markets; after each step, a client rebuilt from its
snapshot and deltas holds exactly GET /markets/{ticker}/orderbook, with and without use_yes_price."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..api.write_path import new_market, place

orders = st.lists(
    st.tuples(
        st.integers(0, 2),  # market
        st.sampled_from(["bid", "ask"]),
        st.integers(1, 99),  # price in cents
        st.integers(1, 5),  # count
        st.sampled_from(["alice", "bob"]),
    ),
    min_size=1,
    max_size=12,
)


class BookClient:
    """A local book per market from orderbook_snapshot and orderbook_delta, in yes-price terms."""

    def __init__(self, ws, tickers: list[str], use_yes_price: bool) -> None:
        self.ws, self.use_yes_price = ws, use_yes_price
        self.books: dict[str, dict[str, dict[Decimal, Decimal]]] = {}
        self.seq = 0
        ws.subscribe("orderbook_delta", market_tickers=tickers, use_yes_price=use_yes_price)
        for _ in tickers:
            self._apply(ws.expect("orderbook_snapshot"))

    def _price(self, side: str, text: str) -> Decimal:
        price = Decimal(text)
        return price if side == "yes" or not self.use_yes_price else 1 - price  # back to no-leg terms

    def _apply(self, message: dict) -> None:
        assert message["seq"] == self.seq + 1, message  # no gap, no reordering
        self.seq = message["seq"]
        msg = message["msg"]
        if message["type"] == "orderbook_snapshot":
            self.books[msg["market_ticker"]] = {
                side: {self._price(side, p): Decimal(c) for p, c in msg.get(f"{side}_dollars_fp", [])}
                for side in ("yes", "no")
            }
            return
        levels = self.books[msg["market_ticker"]][msg["side"]]
        price = self._price(msg["side"], msg["price_dollars"])
        levels[price] = levels.get(price, Decimal(0)) + Decimal(msg["delta_fp"])
        if not levels[price]:
            del levels[price]

    def catch_up(self, ticker: str, rest: dict) -> None:
        """Applies deltas until the book equals `rest` (fails by timeout when it never does)."""
        while self.books[ticker] != rest:
            self._apply(self.ws.expect("orderbook_delta"))


def rest_book(api, ticker: str) -> dict:
    fp = api.ok(f"/markets/{ticker}/orderbook")["orderbook_fp"]
    return {
        side: {Decimal(p): Decimal(c) for p, c in (fp.get(f"{side}_dollars") or [])} for side in ("yes", "no")
    }


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(stream=orders, late_joiner_at=st.integers(0, 11))
def test_snapshot_plus_deltas_equals_the_rest_book(alice, bob, admin, stream, late_joiner_at):
    tickers = [new_market(admin) for _ in range(3)]
    traders = {"alice": alice, "bob": bob}
    with alice.ws() as plain_ws, bob.ws() as yes_ws:
        clients = [BookClient(plain_ws, tickers, False), BookClient(yes_ws, tickers, True)]
        for step, (market, side, cents, count, who) in enumerate(stream):
            ticker = tickers[market]
            place(traders[who], ticker, side, str(count), f"0.{cents:02d}00", expect=None)
            rest = rest_book(alice, ticker)
            for client in clients:
                client.catch_up(ticker, rest)
            if step == late_joiner_at:
                with bob.ws() as late:
                    joined = BookClient(late, tickers, step % 2 == 0)
                    for each in tickers:
                        assert joined.books[each] == rest_book(alice, each)
        for client in clients:
            client.ws.quiet(0.1)  # no delta beyond the REST books
