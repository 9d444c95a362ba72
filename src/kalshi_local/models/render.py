"""Store rows to response Structs: the one place where fixed-point units
become the API's `_dollars` and `_fp` strings and legacy integers."""

from __future__ import annotations

from msgspec import Raw

from ..exchange.clock import to_rfc3339
from ..exchange.lifecycle import effective_status
from ..exchange.money import Count, Price
from ..exchange.price_levels import price_ranges, tick_size_cents
from . import catalog

_EMPTY_OBJECT = Raw(b"{}")
_ONE = Price.from_dollars("1")


def _raw(text: str | None) -> Raw | None:
    return None if text is None else Raw(text.encode())


def _time(us: int | None) -> str | None:
    return None if us is None else to_rfc3339(us)


def _price_ranges(structure: str) -> list[catalog.PriceRange]:
    return [
        catalog.PriceRange(start=r.start.to_dollars(), end=r.end.to_dollars(), step=r.step.to_dollars())
        for r in price_ranges(structure)
    ]


_RANGES = {name: _price_ranges(name) for name in ("linear_cent", "tapered_deci_cent", "deci_cent")}
_TICKS = {name: tick_size_cents(name) for name in _RANGES}


def series(row, volume: int | None = None) -> catalog.Series:
    return catalog.Series(
        ticker=row.ticker,
        frequency=row.frequency,
        title=row.title,
        category=row.category,
        tags=_raw(row.tags),
        settlement_sources=_raw(row.settlement_sources),
        contract_url=row.contract_url,
        contract_terms_url=row.contract_terms_url,
        fee_type=row.fee_type,
        fee_multiplier=_raw(row.fee_multiplier),
        additional_prohibitions=_raw(row.additional_prohibitions),
        last_updated_ts=to_rfc3339(row.updated_us),
        product_metadata=_raw(row.product_metadata),
        volume_fp=None if volume is None else Count(volume).to_fp(),
        volume=None if volume is None else Count(volume).to_contracts(),
    )


def market(row, now_us: int, category: str) -> catalog.Market:
    """`category` is the series' category (legacy field)."""
    yes_bid, yes_ask = Price(row.yes_bid), Price(row.yes_ask)
    no_bid, no_ask = Price(_ONE.raw - yes_ask.raw), Price(_ONE.raw - yes_bid.raw)
    last, prev_bid, prev_ask, prev_last = (
        Price(row.last_price),
        Price(row.previous_yes_bid),
        Price(row.previous_yes_ask),
        Price(row.previous_price),
    )
    notional = Price(row.notional_value)
    volume, volume_24h, open_interest = Count(row.volume), Count(row.volume_24h), Count(row.open_interest)
    settlement = None if row.settlement_value is None else Price(row.settlement_value)
    return catalog.Market(
        ticker=row.ticker,
        event_ticker=row.event_ticker,
        market_type=row.market_type,
        title=row.title,
        subtitle=row.subtitle,
        yes_sub_title=row.yes_sub_title,
        no_sub_title=row.no_sub_title,
        created_time=to_rfc3339(row.created_us),
        updated_time=to_rfc3339(row.updated_us),
        open_time=to_rfc3339(row.open_us),
        close_time=to_rfc3339(row.close_us),
        expiration_time=to_rfc3339(row.latest_expiration_us),
        latest_expiration_time=to_rfc3339(row.latest_expiration_us),
        settlement_timer_seconds=row.settlement_timer_seconds,
        status=effective_status(row.status, row.open_us, row.close_us, now_us),
        response_price_units="usd_cent",
        notional_value_dollars=notional.to_dollars(),
        yes_bid_dollars=yes_bid.to_dollars(),
        yes_ask_dollars=yes_ask.to_dollars(),
        no_bid_dollars=no_bid.to_dollars(),
        no_ask_dollars=no_ask.to_dollars(),
        yes_bid_size_fp=Count(row.yes_bid_size).to_fp(),
        yes_ask_size_fp=Count(row.yes_ask_size).to_fp(),
        last_price_dollars=last.to_dollars(),
        previous_yes_bid_dollars=prev_bid.to_dollars(),
        previous_yes_ask_dollars=prev_ask.to_dollars(),
        previous_price_dollars=prev_last.to_dollars(),
        volume_fp=volume.to_fp(),
        volume_24h_fp=volume_24h.to_fp(),
        liquidity_dollars="0.0000",
        open_interest_fp=open_interest.to_fp(),
        result=row.result,
        can_close_early=row.can_close_early,
        fractional_trading_enabled=True,
        expiration_value=row.expiration_value,
        rules_primary=row.rules_primary,
        rules_secondary=row.rules_secondary,
        price_level_structure=row.price_level_structure,
        price_ranges=_RANGES[row.price_level_structure],
        occurrence_datetime=_time(row.occurrence_us),
        yes_bid=yes_bid.to_cents(),
        yes_ask=yes_ask.to_cents(),
        no_bid=no_bid.to_cents(),
        no_ask=no_ask.to_cents(),
        last_price=last.to_cents(),
        previous_yes_bid=prev_bid.to_cents(),
        previous_yes_ask=prev_ask.to_cents(),
        previous_price=prev_last.to_cents(),
        volume=volume.to_contracts(),
        volume_24h=volume_24h.to_contracts(),
        open_interest=open_interest.to_contracts(),
        notional_value=notional.to_cents(),
        liquidity=0,
        category=category,
        risk_limit_cents=0,
        tick_size=_TICKS[row.price_level_structure],
        expected_expiration_time=_time(row.expected_expiration_us),
        settlement_value_dollars=None if settlement is None else settlement.to_dollars(),
        settlement_value=None if settlement is None else settlement.to_cents(),
        settlement_ts=_time(row.settlement_us),
        fee_waiver_expiration_time=_time(row.fee_waiver_expiration_us),
        early_close_condition=row.early_close_condition,
        strike_type=row.strike_type,
        floor_strike=_raw(row.floor_strike),
        cap_strike=_raw(row.cap_strike),
        functional_strike=row.functional_strike,
        custom_strike=_raw(row.custom_strike),
        mve_collection_ticker=row.mve_collection_ticker,
        primary_participant_key=row.primary_participant_key,
        is_provisional=row.is_provisional or None,
    )


def event(row, markets: list[catalog.Market] | None = None) -> catalog.Event:
    return catalog.Event(
        event_ticker=row.event_ticker,
        series_ticker=row.series_ticker,
        sub_title=row.sub_title,
        title=row.title,
        collateral_return_type=row.collateral_return_type,
        mutually_exclusive=row.mutually_exclusive,
        category=row.category,
        available_on_brokers=row.available_on_brokers,
        product_metadata=_raw(row.product_metadata),
        last_updated_ts=to_rfc3339(row.updated_us),
        strike_date=_time(row.strike_date_us),
        strike_period=row.strike_period,
        markets=markets,
        fee_type_override=row.fee_type_override,
        fee_multiplier_override=_raw(row.fee_multiplier_override),
    )


def event_metadata(row, market_rows) -> catalog.EventMetadata:
    return catalog.EventMetadata(
        image_url=row.image_url,
        featured_image_url=row.featured_image_url,
        market_details=[
            catalog.MarketMetadata(market_ticker=m.ticker, image_url=m.image_url, color_code=m.color_code)
            for m in market_rows
        ],
        settlement_sources=_raw(row.settlement_sources),
        competition=row.competition,
        competition_scope=row.competition_scope,
    )


def milestone(row) -> catalog.Milestone:
    return catalog.Milestone(
        id=row.id,
        category=row.category,
        type=row.type,
        start_date=to_rfc3339(row.start_us),
        end_date=_time(row.end_us),
        related_event_tickers=Raw(row.related_event_tickers.encode()),
        title=row.title,
        notification_message=row.notification_message,
        source_id=row.source_id,
        source_ids=Raw(row.source_ids.encode()),
        details=Raw(row.details.encode()),
        primary_event_tickers=Raw(row.primary_event_tickers.encode()),
        last_updated_ts=to_rfc3339(row.updated_us),
    )


def structured_target(row) -> catalog.StructuredTarget:
    return catalog.StructuredTarget(
        id=row.id,
        name=row.name,
        type=row.type,
        details=Raw(row.details.encode()),
        source_ids=Raw(row.source_ids.encode()),
        last_updated_ts=to_rfc3339(row.updated_us),
        source_id=row.source_id,
    )


def live_data(row, include_player_stats: bool) -> catalog.LiveData:
    details = row.details
    if include_player_stats and row.player_stats is not None:
        # Player statistics ride inside details, under their own key.
        inner = details.strip()[1:-1].strip()
        details = "{" + (inner + "," if inner else "") + '"player_stats":' + row.player_stats + "}"
    return catalog.LiveData(type=row.type, details=Raw(details.encode()), milestone_id=row.milestone_id)
