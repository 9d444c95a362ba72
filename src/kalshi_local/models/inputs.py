"""The input shapes of catalog objects: scenario files and admin API bodies.

Decoding into these Structs is the validation: a wrong type, a missing field
or a bad value fails with the path of the field (`$.events[3].markets[0].close_time`).
Names follow the API's own field names, so a scenario reads like a response.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from ..auth.ratelimit import TIERS
from ..exchange.clock import parse_datetime
from ..exchange.lifecycle import MARKET_STATUSES
from ..exchange.money import ONE_DOLLAR, Count, dollars_raw
from ..exchange.price_levels import PRICE_LEVEL_STRUCTURES

Ticker = Annotated[str, Meta(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._\-]+$")]
Text = Annotated[str, Meta(max_length=10_000)]
Name = Annotated[str, Meta(min_length=1, max_length=1_000)]
# Values the store indexes: at most 200 characters (800 bytes of UTF-8), well
# inside PostgreSQL's limit on an index entry.
Key = Annotated[str, Meta(min_length=1, max_length=200)]
OptionalKey = Annotated[str, Meta(max_length=200)]
Json = dict[str, Any]
FeeType = Literal["quadratic", "quadratic_with_maker_fees", "flat"]
# Decimal strings in ASCII digits, short enough that every raw value fits a BIGINT.
Dollars = Annotated[str, Meta(pattern=r"^[0-9]{1,12}(\.[0-9]{1,4})?$")]
CountFp = Annotated[str, Meta(pattern=r"^[0-9]{1,12}(\.[0-9]{1,2})?$")]
# Strikes and fee multipliers are JSON numbers: 64-bit integers or finite floats.
Number = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)] | Annotated[float, Meta(ge=-1e300, le=1e300)]
# Fee multipliers are exact decimals, never floats: a JSON number or a decimal string.
# A negative one would pay traders to trade. At most 14 significant digits, so a JSON
# number keeps its exact text through the float an untyped JSON decoder makes of it.
FeeMultiplier = Decimal
MAX_FEE_MULTIPLIER = Decimal("999999.99999999")
FEE_MULTIPLIER_DECIMALS = 8
Int64 = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]
Count64 = Annotated[int, Meta(ge=0, le=2**63 - 1)]
# Lists and maps of a catalog object are capped, so that one object (and every
# response that carries it) stays small: the error names the field and the cap.
MAX_SHORT_LIST = 100  # tags, settlement sources, source ids, API keys, scopes, schedules...
MAX_LONG_LIST = 1_000  # events a milestone names, maintenance windows
MAX_MARKETS = 10_000  # markets of one event
MAX_JSON_DEPTH = 32  # free-form JSON fields (details, stats, product_metadata)
MAX_JSON_BYTES = 65_536  # each, encoded


def decimal_text(value: Decimal) -> str:
    """The canonical text of a decimal, as stored and as a JSON number: `1`, `0.5`, `0.0175`."""
    return "0" if value == 0 else format(value.normalize(), "f")


def _fee_multiplier(value: Decimal | None, name: str) -> Decimal | None:
    """`value` checked (0 to MAX_FEE_MULTIPLIER, at most 8 decimals) and in canonical form."""
    if value is None:
        return None
    exponent = value.normalize().as_tuple().exponent if value.is_finite() else 0
    places = -exponent if isinstance(exponent, int) else 0
    if not value.is_finite() or not 0 <= value <= MAX_FEE_MULTIPLIER or places > FEE_MULTIPLIER_DECIMALS:
        raise _FieldError(
            name,
            f"must be a decimal from 0 to {MAX_FEE_MULTIPLIER} with at most {FEE_MULTIPLIER_DECIMALS}"
            f" decimal places, got {str(value)[:40]}",
        )
    return Decimal(decimal_text(value))


class _FieldError(ValueError):
    """Raised in __post_init__; `describe` moves the field into the error path."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")


# Scenario files repeat the same dates and prices a lot, and a loader meets each
# twice (validation here, the row in the store): parse each distinct text once.
@functools.lru_cache(maxsize=1 << 17)
def time_us(text: str) -> int:
    """An RFC 3339 date-time in microseconds (exchange.clock.parse_datetime, cached)."""
    return parse_datetime(text)


@functools.lru_cache(maxsize=1 << 14)
def price_raw(text: str) -> int:
    return dollars_raw(text)


@functools.lru_cache(maxsize=1 << 14)
def count_raw(text: str) -> int:
    return Count.from_fp(text).raw


def _check_json(value: Any, name: str) -> None:
    """A free-form JSON field is at most MAX_JSON_DEPTH deep and MAX_JSON_BYTES encoded."""
    if value is None:
        return
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _FieldError(name, f"is nested more than {MAX_JSON_DEPTH} levels deep")
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    if len(msgspec.json.encode(value)) > MAX_JSON_BYTES:
        raise _FieldError(name, f"is larger than {MAX_JSON_BYTES} bytes as JSON")


def _check_keys(details: dict, keys: tuple[str, ...], name: str) -> None:
    """Strings under `keys` (or in a list there) are indexed by the store, so at most 200 characters."""
    for key in keys:
        value = details.get(key)
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and len(text) > 200:
                raise _FieldError(name, f"{key} is longer than 200 characters")


def _check_time(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    try:
        return time_us(value)
    except (ValueError, OverflowError):
        raise _FieldError(name, f"must be an RFC 3339 date-time, got {value!r}") from None


_UNKNOWN_FIELD = re.compile(r"^Object contains unknown field `(.+)`$")
_MISSING_FIELD = re.compile(r"^Object missing required field `(.+)`$")
_FIELD_REASON = re.compile(r"^([a-z_][a-z0-9_]*): (.+)$", re.S)


def find_nul(data: Any) -> str | None:
    """Where decoded JSON or YAML holds a NUL character, as `$.path: a string contains a NUL
    character (\\u0000)`, the first in document order; None when it holds none. PostgreSQL text
    cannot store one and no Kalshi field needs it, so both backends refuse it. Iterative, as
    the nesting may be deep."""
    pending: list[tuple[str, Any]] = [("$", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str) and "\x00" in value:
            return f"{path}: a string contains a NUL character (\\u0000)"
        if isinstance(value, dict):
            for key in value:
                if isinstance(key, str) and "\x00" in key:
                    return f"{path}: a key contains a NUL character (\\u0000)"
            pending.extend(reversed([(f"{path}.{key}", item) for key, item in value.items()]))
        elif isinstance(value, list):
            pending.extend(reversed([(f"{path}[{i}]", item) for i, item in enumerate(value)]))
    return None


def describe(exc: msgspec.ValidationError, prefix: str = "$") -> tuple[str, str]:
    """(field path, reason) of a validation error, the path as `$.events[3].markets[0].close_time`.

    `prefix` replaces the leading `$` when the decoded value sits inside a larger document.
    """
    reason, found, path = str(exc).rpartition(" - at `")
    if not found:
        reason, path = str(exc), "$"
    path = prefix + path.rstrip("`")[1:]
    for pattern, fixed in ((_UNKNOWN_FIELD, "unknown field"), (_MISSING_FIELD, "required field is missing")):
        match = pattern.match(reason)
        if match:
            return f"{path}.{match.group(1)}", fixed
    match = _FIELD_REASON.match(reason)
    if match:
        return f"{path}.{match.group(1)}", match.group(2)
    return path, reason


class _In(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class SettlementSourceIn(_In, kw_only=True):
    name: Text = ""
    url: Text = ""


SettlementSources = Annotated[list[SettlementSourceIn], Meta(max_length=MAX_SHORT_LIST)]
Texts = Annotated[list[Text], Meta(max_length=MAX_SHORT_LIST)]
Tickers = Annotated[list[Ticker], Meta(max_length=MAX_LONG_LIST)]
SourceIds = Annotated[dict[str, Text], Meta(max_length=MAX_SHORT_LIST)]


class SeriesIn(_In, kw_only=True):
    ticker: Ticker
    title: Name
    category: Key
    frequency: Text = "custom"
    tags: Texts = []
    settlement_sources: SettlementSources = []
    contract_url: Text = ""
    contract_terms_url: Text = ""
    product_metadata: Json | None = None
    fee_type: FeeType = "quadratic"
    fee_multiplier: FeeMultiplier = Decimal(1)
    additional_prohibitions: Texts = []

    def __post_init__(self) -> None:
        _check_json(self.product_metadata, "product_metadata")
        self.fee_multiplier = _fee_multiplier(self.fee_multiplier, "fee_multiplier")  # type: ignore[assignment]


_PRICE_FIELDS = (
    "yes_bid_dollars",
    "yes_ask_dollars",
    "last_price_dollars",
    "previous_yes_bid_dollars",
    "previous_yes_ask_dollars",
    "previous_price_dollars",
    "settlement_value_dollars",
)


class MarketIn(_In, kw_only=True):
    ticker: Ticker
    title: Text = ""
    subtitle: Text = ""
    yes_sub_title: Text = ""
    no_sub_title: Text = ""
    market_type: Literal["binary", "scalar"] = "binary"
    open_time: Text
    close_time: Text
    created_time: Text | None = None
    expected_expiration_time: Text | None = None
    latest_expiration_time: Text | None = None
    settlement_timer_seconds: Count64 = 60
    status: Text = "active"
    result: Literal["yes", "no", "scalar", ""] = ""
    can_close_early: bool = True
    notional_value_dollars: Dollars = "1.0000"
    price_level_structure: Text = "linear_cent"
    strike_type: (
        Literal["greater", "greater_or_equal", "less", "less_or_equal", "between", "functional", "custom", "structured"]
        | None
    ) = None
    floor_strike: Number | None = None
    cap_strike: Number | None = None
    functional_strike: Text | None = None
    custom_strike: Annotated[dict[str, Text], Meta(max_length=MAX_SHORT_LIST)] | None = None
    rules_primary: Text = ""
    rules_secondary: Text = ""
    yes_bid_dollars: Dollars = "0.0000"
    yes_ask_dollars: Dollars = "1.0000"
    yes_bid_size_fp: CountFp = "0.00"
    yes_ask_size_fp: CountFp = "0.00"
    last_price_dollars: Dollars = "0.0000"
    previous_yes_bid_dollars: Dollars = "0.0000"
    previous_yes_ask_dollars: Dollars = "0.0000"
    previous_price_dollars: Dollars = "0.0000"
    volume_fp: CountFp = "0.00"
    volume_24h_fp: CountFp = "0.00"
    open_interest_fp: CountFp = "0.00"
    settlement_value_dollars: Dollars | None = None
    settlement_ts: Text | None = None
    expiration_value: Text = ""
    occurrence_datetime: Text | None = None
    fee_waiver_expiration_time: Text | None = None
    early_close_condition: Text | None = None
    is_provisional: bool = False
    primary_participant_key: Text | None = None
    image_url: Text = ""
    color_code: Text = ""

    def __post_init__(self) -> None:
        for name in (
            "open_time",
            "close_time",
            "created_time",
            "expected_expiration_time",
            "latest_expiration_time",
            "settlement_ts",
            "occurrence_datetime",
            "fee_waiver_expiration_time",
        ):
            _check_time(getattr(self, name), name)
        if time_us(self.close_time) < time_us(self.open_time):
            raise _FieldError("close_time", "must not be before open_time")
        if self.status not in MARKET_STATUSES:
            raise _FieldError("status", f"must be one of {', '.join(MARKET_STATUSES)}; got {self.status!r}")
        if self.price_level_structure not in PRICE_LEVEL_STRUCTURES:
            raise _FieldError(
                "price_level_structure",
                f"must be one of {', '.join(PRICE_LEVEL_STRUCTURES)}; got {self.price_level_structure!r}",
            )
        for name in _PRICE_FIELDS:
            value = getattr(self, name)
            if value is not None and price_raw(value) > ONE_DOLLAR.raw:
                raise _FieldError(name, f"must be at most 1.0000, got {value!r}")
        if price_raw(self.yes_bid_dollars) > price_raw(self.yes_ask_dollars):
            raise _FieldError("yes_bid_dollars", "must not be above yes_ask_dollars")
        if self.strike_type == "structured" and not self.custom_strike:
            raise _FieldError("custom_strike", "a structured strike needs custom_strike (structured target ids)")


class EventIn(_In, kw_only=True):
    event_ticker: Ticker
    series_ticker: Ticker
    title: Name
    sub_title: Text = ""
    collateral_return_type: Text = "binary"
    mutually_exclusive: bool = False
    strike_date: Text | None = None
    strike_period: Text | None = None
    available_on_brokers: bool = True
    product_metadata: Json | None = None
    fee_type_override: FeeType | None = None
    fee_multiplier_override: FeeMultiplier | None = None
    image_url: Text = ""
    featured_image_url: Text = ""
    settlement_sources: SettlementSources = []
    competition: OptionalKey | None = None
    competition_scope: Text | None = None
    markets: Annotated[list[MarketIn], Meta(max_length=MAX_MARKETS)] = []

    def __post_init__(self) -> None:
        _check_json(self.product_metadata, "product_metadata")
        _check_time(self.strike_date, "strike_date")
        self.fee_multiplier_override = _fee_multiplier(self.fee_multiplier_override, "fee_multiplier_override")
        if self.strike_date is not None and self.strike_period is not None:
            raise _FieldError("strike_period", "strike_date and strike_period are mutually exclusive")


class MilestoneIn(_In, kw_only=True):
    id: Key
    category: Key
    type: Key
    title: Name
    start_date: Text
    end_date: Text | None = None
    notification_message: Text = ""
    source_id: OptionalKey | None = None
    source_ids: SourceIds = {}
    details: Json = {}
    primary_event_tickers: Tickers = []
    related_event_tickers: Tickers = []

    def __post_init__(self) -> None:
        _check_json(self.details, "details")
        _check_keys(self.details, ("competition",), "details")
        start = _check_time(self.start_date, "start_date")
        end = _check_time(self.end_date, "end_date")
        if end is not None and start is not None and end < start:
            raise _FieldError("end_date", "must not be before start_date")
        # related_event_tickers is always a superset of primary_event_tickers.
        extra = [t for t in self.primary_event_tickers if t not in self.related_event_tickers]
        self.related_event_tickers = [*self.related_event_tickers, *extra]


class StructuredTargetIn(_In, kw_only=True):
    id: Key
    name: Name
    type: Key
    details: Json = {}
    source_id: OptionalKey | None = None
    source_ids: SourceIds = {}

    def __post_init__(self) -> None:
        _check_json(self.details, "details")
        _check_keys(self.details, ("league", "conference", "division", "tour", "leagues"), "details")


class LiveDataIn(_In, kw_only=True):
    milestone_id: Key
    type: Name
    details: Json = {}
    player_stats: Json | None = None
    game_stats: Json | None = None

    def __post_init__(self) -> None:
        _check_json(self.details, "details")
        _check_json(self.player_stats, "player_stats")
        _check_json(self.game_stats, "game_stats")


class AnnouncementIn(_In, kw_only=True):
    type: Literal["info", "warning", "error"]
    message: Name
    delivery_time: Text
    status: Literal["active", "inactive"] = "active"

    def __post_init__(self) -> None:
        _check_time(self.delivery_time, "delivery_time")


class FeeChangeIn(_In, kw_only=True):
    id: Key
    series_ticker: Ticker
    fee_type: FeeType
    fee_multiplier: FeeMultiplier
    scheduled_ts: Text | None = None  # the Trade API's name (SeriesFeeChange)
    scheduled_time: Text | None = None  # the same, as earlier scenario files name it

    def __post_init__(self) -> None:
        if (self.scheduled_ts is None) == (self.scheduled_time is None):
            raise _FieldError("scheduled_ts", "give the time the change takes effect (or scheduled_time), once")
        name = "scheduled_ts" if self.scheduled_ts is not None else "scheduled_time"
        _check_time(self.scheduled_ts or self.scheduled_time, name)
        self.scheduled_ts = self.scheduled_time = self.scheduled_ts or self.scheduled_time
        self.fee_multiplier = _fee_multiplier(self.fee_multiplier, "fee_multiplier")  # type: ignore[assignment]


class IncentiveProgramIn(_In, kw_only=True):
    id: Key
    market_ticker: Ticker
    incentive_type: Literal["liquidity", "volume"]
    incentive_description: Text = ""
    start_date: Text
    end_date: Text
    period_reward: Count64
    paid_out: bool = False
    discount_factor_bps: Int64 | None = None
    target_size_fp: CountFp | None = None

    def __post_init__(self) -> None:
        start = _check_time(self.start_date, "start_date")
        end = _check_time(self.end_date, "end_date")
        if start is not None and end is not None and end < start:
            raise ValueError("end_date is before start_date")


class DailyScheduleIn(_In, kw_only=True):
    open_time: Annotated[str, Meta(pattern=r"^\d{2}:\d{2}$")]
    close_time: Annotated[str, Meta(pattern=r"^\d{2}:\d{2}$")]


_Sessions = Annotated[list[DailyScheduleIn], Meta(max_length=MAX_SHORT_LIST)]


class WeeklyScheduleIn(_In, kw_only=True):
    start_time: Text
    end_time: Text
    monday: _Sessions = []
    tuesday: _Sessions = []
    wednesday: _Sessions = []
    thursday: _Sessions = []
    friday: _Sessions = []
    saturday: _Sessions = []
    sunday: _Sessions = []

    def __post_init__(self) -> None:
        _check_time(self.start_time, "start_time")
        _check_time(self.end_time, "end_time")


class MaintenanceWindowIn(_In, kw_only=True):
    start_datetime: Text
    end_datetime: Text

    def __post_init__(self) -> None:
        _check_time(self.start_datetime, "start_datetime")
        _check_time(self.end_datetime, "end_datetime")


class ExchangeIn(_In, kw_only=True):
    exchange_active: bool = True
    trading_active: bool = True
    exchange_estimated_resume_time: Text | None = None
    standard_hours: Annotated[list[WeeklyScheduleIn], Meta(max_length=MAX_SHORT_LIST)] = []
    maintenance_windows: Annotated[list[MaintenanceWindowIn], Meta(max_length=MAX_LONG_LIST)] = []

    def __post_init__(self) -> None:
        _check_time(self.exchange_estimated_resume_time, "exchange_estimated_resume_time")


Cents = Annotated[str, Meta(pattern=r"^[0-9]{1,12}(\.[0-9]{1,2})?$")]


class ApiKeyIn(_In, kw_only=True):
    id: Annotated[str, Meta(min_length=1, max_length=200)]
    public_key: Annotated[str, Meta(min_length=1, max_length=10_000)]
    name: Annotated[str, Meta(min_length=1, max_length=100)] = "scenario"
    scopes: Texts | None = None


MemberName = Annotated[str, Meta(min_length=1, max_length=100)]


class UserIn(_In, kw_only=True):
    """A member. `balance` is dollars in whole cents. For a user that exists, a
    field left out stays as it is, and a new balance is reached through a deposit
    or withdrawal of the difference; a new user starts on basic with $0."""

    name: Annotated[str, Meta(min_length=1, max_length=100)]
    user_id: Annotated[str, Meta(min_length=1, max_length=200)] | None = None
    tier: Literal[TIERS] | None = None  # type: ignore[valid-type]
    balance: Cents | None = None
    api_keys: Annotated[list[ApiKeyIn], Meta(max_length=MAX_SHORT_LIST)] = []
    # An FCM member reads its sub-traders' orders and positions (GET /fcm/...); None: as it is.
    fcm_member: bool | None = None
    fcm_subtraders: Annotated[list[MemberName], Meta(max_length=MAX_SHORT_LIST)] | None = None


class SubaccountIn(_In, kw_only=True):
    """A numbered subaccount of a scenario's member (api-reference/portfolio/create-subaccount.md:
    1 to 32), opened when missing. `balance`: its cash in dollars, whole cents; left out, a new
    one starts at $0 and one that exists keeps its cash. `netting`: its collateral netting; left
    out, a new one takes the primary's and one that exists keeps its own."""

    number: Annotated[int, Meta(ge=1, le=32)]
    balance: Cents | None = None
    netting: bool | None = None


class ScenarioUserIn(UserIn, kw_only=True):
    """A member in a scenario's `users` section: UserIn, with what only a scenario does, in
    this order: `reset` (as POST /admin/v1/users/{name}/reset: every subaccount, order, fill,
    position and settlement gone) or `remove_subaccounts` (as DELETE
    /admin/v1/users/{name}/subaccounts), then the UserIn fields, then `subaccounts`."""

    reset: bool = False
    remove_subaccounts: bool = False
    subaccounts: Annotated[list[SubaccountIn], Meta(max_length=32)] = []


class OrderIn(_In, kw_only=True):
    """A resting order of a scenario, placed through the engine once the rest of the
    file is written (its `subaccount` too, by the `users` section): post-only and good till
    canceled, so it never trades on placement.
    `price` is the YES price in dollars, `side` bid (buys YES) or ask (sells YES)."""

    user: Annotated[str, Meta(min_length=1, max_length=100)]
    ticker: Ticker
    side: Literal["bid", "ask"]
    price: Dollars
    count: CountFp | Annotated[int, Meta(ge=1, le=10**12)]
    client_order_id: OptionalKey = ""
    only_if_open: bool = False  # left out, not refused, when its market is not open at load time
    subaccount: Annotated[int, Meta(ge=0, le=32)] = 0  # the member's primary (0) or a numbered one it has

    def __post_init__(self) -> None:
        if not 0 < price_raw(self.price) < ONE_DOLLAR.raw:
            raise _FieldError("price", f"must be between 0 and 1 dollar exclusive, got {self.price!r}")
        if isinstance(self.count, str) and count_raw(self.count) == 0:
            raise _FieldError("count", f"must be positive, got {self.count!r}")


LIFECYCLE_ACTIONS = ("deactivate", "activate", "close", "close_time", "determine", "dispute", "amend", "void")


class LifecycleIn(_In, kw_only=True):
    """A lifecycle move of a scenario (getting_started/market_lifecycle.md), applied through
    the engine after the file's orders, in file order. `determine` and `amend` need `result`
    (a scalar one `settlement_value_dollars`, what one YES pays); `close_time` needs `close_time`."""

    ticker: Ticker
    action: Literal["deactivate", "activate", "close", "close_time", "determine", "dispute", "amend", "void"]
    result: Literal["yes", "no", "scalar"] | None = None
    settlement_value_dollars: Dollars | None = None
    expiration_value: Text = ""
    close_time: Text | None = None

    def __post_init__(self) -> None:
        if self.action in ("determine", "amend") and self.result is None:
            raise _FieldError("result", f"{self.action} needs a result: yes, no or scalar")
        if self.result == "scalar" and self.settlement_value_dollars is None:
            raise _FieldError("settlement_value_dollars", "a scalar result needs a settlement value")
        if self.settlement_value_dollars is not None and price_raw(self.settlement_value_dollars) > ONE_DOLLAR.raw:
            raise _FieldError("settlement_value_dollars", "must be from 0 to 1 dollar")
        if self.action == "close_time":
            if self.close_time is None:
                raise _FieldError("close_time", "the close_time action needs a close_time")
            try:
                time_us(self.close_time)
            except (ValueError, OverflowError):
                raise _FieldError("close_time", "must be an RFC 3339 date-time") from None


WS_FAULT_KINDS = ("drop", "duplicate", "delay", "skip_seq", "disconnect", "overflow")
WS_CHANNELS = (  # asyncapi.yaml's channels (ws/commands.py CHANNELS)
    "orderbook_delta", "ticker", "trade", "fill", "market_positions", "market_lifecycle_v2",
    "multivariate_market_lifecycle", "multivariate", "communications", "order_group_updates", "user_orders",
)  # fmt: skip


class WsFaultIn(_In, kw_only=True):
    """A WebSocket fault to inject (ours, not Kalshi's: docs/websocket.md "Fault injection").

    It targets the channel messages of the connections that match every target given:
    `connection_id` (GET /admin/v1/ws/connections), `user_id`, `channel`; at least one is
    needed. Of the messages it matches (also `message_type`, e.g. orderbook_delta), the
    first `after` go through untouched, the next `count` (0: all of them) get the fault.
    `delay_ms` is for delay (the connection's later messages wait behind the delayed one)."""

    kind: Literal["drop", "duplicate", "delay", "skip_seq", "disconnect", "overflow"]
    connection_id: Annotated[int, Meta(ge=1)] | None = None
    user_id: Key | None = None
    channel: Literal[WS_CHANNELS] | None = None  # type: ignore[valid-type]
    message_type: Key | None = None
    after: Annotated[int, Meta(ge=0, le=1_000_000_000)] = 0
    count: Annotated[int, Meta(ge=0, le=1_000_000_000)] = 1
    delay_ms: Annotated[int, Meta(ge=1, le=60_000)] | None = None

    def __post_init__(self) -> None:
        if self.connection_id is None and self.user_id is None and self.channel is None:
            raise _FieldError("kind", "a fault needs a target: connection_id, user_id or channel")
        if (self.kind == "delay") != (self.delay_ms is not None):
            raise _FieldError("delay_ms", "delay_ms goes with kind delay, and only with it")


class Scenario(_In, kw_only=True):
    """A whole scenario file."""

    exchange: ExchangeIn | None = None
    series: list[SeriesIn] = []
    events: list[EventIn] = []
    milestones: list[MilestoneIn] = []
    structured_targets: list[StructuredTargetIn] = []
    live_data: list[LiveDataIn] = []
    announcements: list[AnnouncementIn] = []
    fee_changes: list[FeeChangeIn] = []
    incentive_programs: list[IncentiveProgramIn] = []
    users: list[ScenarioUserIn] = []
    orders: list[OrderIn] = []
    lifecycle: list[LifecycleIn] = []
    websocket_faults: list[WsFaultIn] = []
    multivariate_event_collections: list[MultivariateEventCollectionIn] = []


class AssociatedEventIn(_In, kw_only=True):
    """An event of a multivariate collection (the spec's AssociatedEvent): how many of its
    markets a selection takes (inclusive, null for no limit) and whether only `yes` may be taken."""

    ticker: Ticker
    is_yes_only: bool = False
    size_min: Annotated[int, Meta(ge=0, le=1_000)] | None = None
    size_max: Annotated[int, Meta(ge=1, le=1_000)] | None = None
    active_quoters: Texts = []


class MultivariateEventCollectionIn(_In, kw_only=True):
    """A multivariate event collection (exchange/combos.py). Its series must exist and start
    with KXMVE: combo markets are named after it, and KXMVE* markets are the ones the
    multivariate_market_lifecycle channel carries (market_lifecycle.md)."""

    collection_ticker: Ticker
    series_ticker: Ticker
    title: Name
    description: Text = ""
    open_date: Text
    close_date: Text
    associated_events: Annotated[list[AssociatedEventIn], Meta(min_length=1, max_length=MAX_SHORT_LIST)]
    is_ordered: bool = False
    size_min: Annotated[int, Meta(ge=1, le=MAX_SHORT_LIST)] = 2
    size_max: Annotated[int, Meta(ge=1, le=MAX_SHORT_LIST)] = 10
    functional_description: Text = ""

    def __post_init__(self) -> None:
        opens = _check_time(self.open_date, "open_date")
        closes = _check_time(self.close_date, "close_date")
        if opens is not None and closes is not None and closes <= opens:
            raise _FieldError("close_date", "must be after open_date")
        if not self.series_ticker.startswith("KXMVE"):
            raise _FieldError("series_ticker", "a collection's series ticker starts with KXMVE")
        if self.size_max < self.size_min:
            raise _FieldError("size_max", "must not be below size_min")
        tickers = [event.ticker for event in self.associated_events]
        if len(set(tickers)) != len(tickers):
            raise _FieldError("associated_events", "an event is listed twice")
        for event in self.associated_events:
            if event.size_min is not None and event.size_max is not None and event.size_max < event.size_min:
                raise _FieldError("associated_events", f"event {event.ticker}: size_max is below size_min")
