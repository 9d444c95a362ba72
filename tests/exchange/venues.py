"""A venue over a fixed little catalog and accounts, for the exchange tests."""

from __future__ import annotations

from kalshi_local.exchange.orders import Account, CreateOrder, MarketRules
from kalshi_local.exchange.venue import Venue

DOLLAR = 1_000_000
MARKETS = {
    "CENT": MarketRules("CENT", "EV", True, "linear_cent", "quadratic", "1"),
    "MAKER": MarketRules("MAKER", "EV", True, "linear_cent", "quadratic_with_maker_fees", "1"),
    "DECI": MarketRules("DECI", "EV", True, "deci_cent", "quadratic", "0.5"),
    "FREE": MarketRules("FREE", "EV", True, "linear_cent", "quadratic", "0"),
    "SHUT": MarketRules("SHUT", "EV", False, "linear_cent", "quadratic", "1"),
}
USERS = (1, 2, 3)


def make_venue(balance: int = 100 * DOLLAR, markets: dict[str, MarketRules] = MARKETS) -> Venue:
    return Venue(
        markets.get,
        lambda user, sub: Account(user, sub, balance) if user in USERS and sub == 0 else None,
    )


def order(user: int, ticker: str, side: str, price: int, count: int, **options: object) -> CreateOrder:
    """A create command; price in raw $0.0001, count in raw 0.01 contracts."""
    return CreateOrder(user, f"user-{user}", 0, ticker, side, price, count, **options)  # type: ignore[arg-type]
