"""Multivariate event collections (combos): which selections of legs a collection accepts,
the ticker a selection gets, and a combo's outcome from its legs' results.

Kalshi docs: api-reference/multivariate/*.md (create, lookup), getting_started/rfqs.md
("Combos (MVE)"), market_lifecycle.md (KXMVE* markets on `multivariate_market_lifecycle`).

Choices where the docs are silent:
- A combo's event and market tickers are derived from the collection and its selection
  (a hash of the legs, in the given order when the collection `is_ordered`, sorted
  otherwise), so the same selection always names the same market.
- A combo pays the product of its legs' values for their selected sides: a `yes` leg is
  worth its YES settlement value, a `no` leg one dollar less it. With binary legs that is
  yes iff every leg resolved to its selected side. A void leg drops out (worth a dollar);
  when every leg is void the combo is void. A scalar leg makes the combo scalar.
- "Users are limited to 5000 creations per week" (create-market-in-multivariate-event-
  collection.md): a creation is a call that makes a new combo market, counted per user over
  the 7 days before the exchange clock's now; asking again for a market that exists is free.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import ApiError, InvalidParameter
from .clock import MICROS
from .lifecycle import MarketLife
from .settlement import PRICE_ONE as ONE_DOLLAR

SIDES = ("yes", "no")
CREATION_WINDOW_US = 7 * 24 * 3600 * MICROS  # the creation limit's window (Settings.combo_creations_per_week)


class CreationLimit(ApiError):
    """The weekly creation limit: the spec answers it with its RateLimitError (429, ErrorResponse)."""

    status = 429
    code = "too_many_requests"


def check_creations(made_in_window: int, limit: int) -> None:
    if made_in_window >= limit:
        raise CreationLimit(
            f"combo market creations are limited to {limit} per week; {made_in_window} made in the last 7 days"
            " (asking for a combo market that exists does not count)"
        )


# Statuses (as the clock shows them) in which a market can no longer be a leg: it stopped trading.
_DECIDED = frozenset({"closed", "determined", "disputed", "amended", "finalized"})


@dataclass(frozen=True, slots=True)
class Leg:
    """One selected market and the side the combo takes on it (a TickerPair)."""

    market_ticker: str
    event_ticker: str
    side: str


@dataclass(frozen=True, slots=True)
class AssociatedEvent:
    """An event whose markets a collection accepts; sizes are inclusive, None means no limit."""

    ticker: str
    is_yes_only: bool = False
    size_min: int | None = None
    size_max: int | None = None


@dataclass(frozen=True, slots=True)
class Collection:
    """What a collection needs to check a selection. Times are microseconds."""

    collection_ticker: str
    series_ticker: str
    open_us: int
    close_us: int
    is_ordered: bool
    size_min: int
    size_max: int
    associated_events: tuple[AssociatedEvent, ...]


@dataclass(frozen=True, slots=True)
class LegMarket:
    """A selected market as the catalog has it: its event and its status now."""

    event_ticker: str
    status: str


def check_selection(
    collection: Collection, legs: Sequence[Leg], markets: dict[str, LegMarket], now_us: int
) -> tuple[Leg, ...]:
    """The selection in its canonical order (as given when ordered, else sorted by market
    ticker). Raises InvalidParameter (400) when the collection is not open, the number of
    legs is outside size_min..size_max, a market repeats, is unknown, belongs to another
    event than named, to an event outside the collection, takes `no` on a yes-only event,
    or is closed already; or when an event's own size limits are not met."""
    ticker = collection.collection_ticker
    if now_us < collection.open_us:
        raise InvalidParameter(f"collection {ticker} is not open yet")
    if now_us >= collection.close_us:
        raise InvalidParameter(f"collection {ticker} is closed")
    if not collection.size_min <= len(legs) <= collection.size_max:
        raise InvalidParameter(
            f"selected_markets: collection {ticker} takes {collection.size_min} to {collection.size_max} "
            f"markets; got {len(legs)}"
        )
    events = {event.ticker: event for event in collection.associated_events}
    per_event: dict[str, int] = {}
    seen: set[str] = set()
    for index, leg in enumerate(legs):
        where = f"selected_markets[{index}]"
        if leg.side not in SIDES:
            raise InvalidParameter(f"{where}.side must be yes or no")
        if leg.market_ticker in seen:
            raise InvalidParameter(f"{where}: market {leg.market_ticker} is selected twice")
        seen.add(leg.market_ticker)
        event = events.get(leg.event_ticker)
        if event is None:
            raise InvalidParameter(f"{where}: event {leg.event_ticker} is not in collection {ticker}")
        market = markets.get(leg.market_ticker)
        if market is None or market.event_ticker != leg.event_ticker:
            raise InvalidParameter(f"{where}: market {leg.market_ticker} is not in event {leg.event_ticker}")
        if event.is_yes_only and leg.side != "yes":
            raise InvalidParameter(f"{where}: event {leg.event_ticker} only takes the yes side")
        if market.status in _DECIDED:
            raise InvalidParameter(f"{where}: market {leg.market_ticker} is {market.status}")
        per_event[leg.event_ticker] = per_event.get(leg.event_ticker, 0) + 1
    for event in collection.associated_events:
        count = per_event.get(event.ticker, 0)
        if count and event.size_max is not None and count > event.size_max:
            raise InvalidParameter(f"selected_markets: at most {event.size_max} markets of event {event.ticker}")
        if event.size_min is not None and count < event.size_min:
            raise InvalidParameter(f"selected_markets: at least {event.size_min} markets of event {event.ticker}")
    return tuple(legs) if collection.is_ordered else tuple(sorted(legs, key=lambda leg: leg.market_ticker))


def tickers_of(collection: Collection, legs: Sequence[Leg]) -> tuple[str, str]:
    """(event ticker, market ticker) of the combo for canonical `legs`: the collection's
    series, `-S` and a hash of the selection; the market adds a shorter hash."""
    text = "|".join([collection.collection_ticker, *(f"{leg.market_ticker}:{leg.side}" for leg in legs)])
    digest = hashlib.sha256(text.encode()).hexdigest().upper()
    event = f"{collection.series_ticker}-S{digest[:12]}"
    return event, f"{event}-{digest[12:17]}"


@dataclass(frozen=True, slots=True)
class LegsSettled:
    """A leg of the combo `ticker` got a result, or a new one. `values` are its legs' (market
    ticker, YES settlement value in Price units), None for a leg with no result yet or a void one:
    the legs' yes_settlement_value_dollars, "only filled after determination" (MveSelectedLeg)."""

    seq: int
    ticker: str
    values: tuple[tuple[str, int | None], ...]


def leg_values(
    legs: Sequence[tuple[str, str]], life_of: Callable[[str], MarketLife | None]
) -> tuple[tuple[str, int | None], ...]:
    """Each leg's (market ticker, YES settlement value) as LegsSettled carries them."""
    found: list[tuple[str, int | None]] = []
    for ticker, _side in legs:
        life = life_of(ticker)
        settled = life is not None and life.result not in ("", "void")
        found.append((ticker, life.settlement_value if settled and life is not None else None))
    return tuple(found)


def outcome(legs: Sequence[tuple[str, str]], life_of: Callable[[str], MarketLife | None]) -> tuple[str, int] | None:
    """The combo's (result, YES settlement value in Price units) from its legs' lives
    ((market ticker, side) pairs); None while a leg has no result. Result is yes, no,
    scalar, or void (value 0) when every leg is void."""
    value, all_void = ONE_DOLLAR, True
    for ticker, side in legs:
        life = life_of(ticker)
        if life is None or not life.result:
            return None
        if life.result == "void":
            continue
        all_void = False
        if life.settlement_value is None:
            return None
        leg_value = life.settlement_value if side == "yes" else ONE_DOLLAR - life.settlement_value
        value = value * leg_value // ONE_DOLLAR  # exact for binary legs; scalar products round down
    if all_void:
        return "void", 0
    if value == ONE_DOLLAR:
        return "yes", value
    return ("no", 0) if value == 0 else ("scalar", value)
