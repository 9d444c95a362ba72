"""Response shapes of the public catalog, as in openapi.yaml.

Fields without a default are always emitted (the spec's required fields plus
the legacy ones older clients require, see COMPAT in the README). Optional
fields default to None and are left out when None (`omit_defaults`).
Free-form JSON kept as text in the store travels as `msgspec.Raw`.
"""

from __future__ import annotations

import msgspec
from msgspec import Raw


class _Out(msgspec.Struct, omit_defaults=True):
    pass


class SettlementSource(_Out):
    name: str
    url: str


class PriceRange(_Out):
    start: str
    end: str
    step: str


class Series(_Out):
    ticker: str
    frequency: str
    title: str
    category: str
    categories: list[str]  # discovery categories (kalshi-typescript requires them)
    tags: Raw
    settlement_sources: Raw
    contract_url: str
    contract_terms_url: str
    fee_type: str
    fee_multiplier: Raw  # a JSON number, kept exact
    additional_prohibitions: Raw
    last_updated_ts: str
    product_metadata: Raw | None = None
    volume_fp: str | None = None
    volume: int | None = None


class Market(_Out):
    ticker: str
    event_ticker: str
    market_type: str
    title: str
    subtitle: str
    yes_sub_title: str
    no_sub_title: str
    created_time: str
    updated_time: str
    open_time: str
    close_time: str
    expiration_time: str
    latest_expiration_time: str
    settlement_timer_seconds: int
    status: str
    response_price_units: str
    notional_value_dollars: str
    yes_bid_dollars: str
    yes_ask_dollars: str
    no_bid_dollars: str
    no_ask_dollars: str
    yes_bid_size_fp: str
    yes_ask_size_fp: str
    last_price_dollars: str
    previous_yes_bid_dollars: str
    previous_yes_ask_dollars: str
    previous_price_dollars: str
    volume_fp: str
    volume_24h_fp: str
    liquidity_dollars: str
    open_interest_fp: str
    result: str
    can_close_early: bool
    fractional_trading_enabled: bool
    expiration_value: str
    rules_primary: str
    rules_secondary: str
    price_level_structure: str
    price_ranges: list[PriceRange]
    occurrence_datetime: str | None
    # legacy integer fields (cents, whole contracts)
    yes_bid: int
    yes_ask: int
    no_bid: int
    no_ask: int
    last_price: int
    previous_yes_bid: int
    previous_yes_ask: int
    previous_price: int
    volume: int
    volume_24h: int
    open_interest: int
    notional_value: int
    liquidity: int
    category: str
    risk_limit_cents: int
    tick_size: int
    # optional
    expected_expiration_time: str | None = None
    settlement_value_dollars: str | None = None
    settlement_value: int | None = None
    settlement_ts: str | None = None
    fee_waiver_expiration_time: str | None = None
    early_close_condition: str | None = None
    strike_type: str | None = None
    floor_strike: Raw | None = None
    cap_strike: Raw | None = None
    functional_strike: str | None = None
    custom_strike: Raw | None = None
    mve_collection_ticker: str | None = None
    mve_selected_legs: Raw | None = None  # a combo's legs, as stored (store/multivariate.py)
    primary_participant_key: str | None = None
    is_provisional: bool | None = None


class Event(_Out):
    event_ticker: str
    series_ticker: str
    sub_title: str
    title: str
    collateral_return_type: str
    mutually_exclusive: bool
    category: str
    available_on_brokers: bool
    product_metadata: Raw | None
    last_updated_ts: str
    settlement_sources: Raw | None  # kalshi-typescript requires it, null allowed
    strike_date: str | None = None
    strike_period: str | None = None
    markets: list[Raw] | None = None  # rendered Market JSON
    fee_type_override: str | None = None
    fee_multiplier_override: Raw | None = None


class MarketMetadata(_Out):
    market_ticker: str
    image_url: str
    color_code: str


class EventMetadata(_Out):
    image_url: str
    featured_image_url: str
    market_details: list[MarketMetadata]
    settlement_sources: Raw
    competition: str | None = None
    competition_scope: str | None = None


class Milestone(_Out):
    id: str
    category: str
    type: str
    start_date: str
    end_date: str | None
    related_event_tickers: Raw
    title: str
    notification_message: str
    source_id: str | None
    source_ids: Raw
    details: Raw
    primary_event_tickers: Raw
    last_updated_ts: str


class StructuredTarget(_Out):
    id: str
    name: str
    type: str
    details: Raw
    source_ids: Raw
    last_updated_ts: str
    source_id: str | None = None


class LiveData(_Out):
    type: str
    details: Raw
    milestone_id: str


class GameStats(_Out):
    pbp: Raw | None = None  # left out when there is no play-by-play (the spec has no null here)


class Announcement(_Out):
    type: str
    message: str
    delivery_time: str
    status: str


class DailySchedule(_Out):
    open_time: str
    close_time: str


class WeeklySchedule(_Out):
    start_time: str
    end_time: str
    monday: list[DailySchedule]
    tuesday: list[DailySchedule]
    wednesday: list[DailySchedule]
    thursday: list[DailySchedule]
    friday: list[DailySchedule]
    saturday: list[DailySchedule]
    sunday: list[DailySchedule]


class MaintenanceWindow(_Out):
    start_datetime: str
    end_datetime: str


class Schedule(_Out):
    standard_hours: list[WeeklySchedule]
    maintenance_windows: list[MaintenanceWindow]


class ExchangeStatus(_Out):
    exchange_active: bool
    trading_active: bool
    exchange_estimated_resume_time: str | None = None


class SeriesFeeChange(_Out):
    id: str
    series_ticker: str
    fee_type: str
    fee_multiplier: Raw  # a JSON number, kept exact
    scheduled_ts: str


class IncentiveProgram(_Out):
    id: str
    market_id: str
    market_ticker: str
    incentive_type: str
    incentive_description: str
    start_date: str
    end_date: str
    period_reward: int
    paid_out: bool
    discount_factor_bps: int | None = None
    target_size_fp: str | None = None
    target_size: int | None = None  # legacy whole contracts (kalshi-python-sync 3.2.0)
    series_ticker: str | None = None  # in the changelog, not yet in the spec


class ScopeList(_Out):
    scopes: list[str]


class SportFilterDetails(_Out):
    scopes: list[str]
    competitions: dict[str, ScopeList]
