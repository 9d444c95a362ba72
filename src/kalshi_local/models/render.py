"""Store rows to response Structs: the one place where fixed-point units
become the API's `_dollars` and `_fp` strings and legacy integers."""

from __future__ import annotations

import msgspec
from msgspec import Raw

from ..exchange.clock import parse_datetime, to_rfc3339
from ..exchange.lifecycle import effective_status
from ..exchange.money import PRICE_SCALE, Count, count_contracts, count_fp, price_cents, price_dollars
from ..exchange.price_levels import price_ranges, tick_size_cents
from . import catalog


def _raw(text: str | None) -> Raw | None:
    return None if text is None else Raw(text)


def _time(us: int | None) -> str | None:
    return None if us is None else to_rfc3339(us)


def _price_ranges(structure: str) -> list[catalog.PriceRange]:
    return [
        catalog.PriceRange(start=r.start.to_dollars(), end=r.end.to_dollars(), step=r.step.to_dollars())
        for r in price_ranges(structure)
    ]


_RANGES = {name: _price_ranges(name) for name in ("linear_cent", "tapered_deci_cent", "deci_cent")}
_TICKS = {name: tick_size_cents(name) for name in _RANGES}


def series(row, volume: int | None = None, with_product_metadata: bool = True) -> catalog.Series:
    return catalog.Series(
        ticker=row.ticker,
        frequency=row.frequency,
        title=row.title,
        category=row.category,
        # One primary category per series here, so it is also the one discovery category.
        categories=[row.category] if row.category else [],
        tags=Raw(row.tags),
        settlement_sources=Raw(row.settlement_sources),
        contract_url=row.contract_url,
        contract_terms_url=row.contract_terms_url,
        fee_type=row.fee_type,
        fee_multiplier=Raw(row.fee_multiplier),
        additional_prohibitions=Raw(row.additional_prohibitions),
        last_updated_ts=to_rfc3339(row.updated_us),
        product_metadata=_raw(row.product_metadata) if with_product_metadata else None,
        volume_fp=None if volume is None else Count(volume).to_fp(),
        volume=None if volume is None else Count(volume).to_contracts(),
    )


def market(row, now_us: int, category: str) -> catalog.Market:
    """`row` as store.markets.get_rendered reads it; `category` is the series' category (legacy field)."""
    # Works on raw fixed-point ints (no money objects): a page renders up to 1,000 markets.
    yes_bid, yes_ask = row.yes_bid, row.yes_ask
    no_bid, no_ask = PRICE_SCALE - yes_ask, PRICE_SCALE - yes_bid
    settlement = row.settlement_value
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
        notional_value_dollars=price_dollars(row.notional_value),
        yes_bid_dollars=price_dollars(yes_bid),
        yes_ask_dollars=price_dollars(yes_ask),
        no_bid_dollars=price_dollars(no_bid),
        no_ask_dollars=price_dollars(no_ask),
        yes_bid_size_fp=count_fp(row.yes_bid_size),
        yes_ask_size_fp=count_fp(row.yes_ask_size),
        last_price_dollars=price_dollars(row.last_price),
        previous_yes_bid_dollars=price_dollars(row.previous_yes_bid),
        previous_yes_ask_dollars=price_dollars(row.previous_yes_ask),
        previous_price_dollars=price_dollars(row.previous_price),
        volume_fp=count_fp(row.volume),
        volume_24h_fp=count_fp(row.volume_24h),
        liquidity_dollars="0.0000",
        open_interest_fp=count_fp(row.open_interest),
        result=row.result,
        can_close_early=row.can_close_early,
        fractional_trading_enabled=True,
        expiration_value=row.expiration_value,
        rules_primary=row.rules_primary,
        rules_secondary=row.rules_secondary,
        price_level_structure=row.price_level_structure,
        price_ranges=_RANGES[row.price_level_structure],
        occurrence_datetime=_time(row.occurrence_us),
        yes_bid=price_cents(yes_bid),
        yes_ask=price_cents(yes_ask),
        no_bid=price_cents(no_bid),
        no_ask=price_cents(no_ask),
        last_price=price_cents(row.last_price),
        previous_yes_bid=price_cents(row.previous_yes_bid),
        previous_yes_ask=price_cents(row.previous_yes_ask),
        previous_price=price_cents(row.previous_price),
        volume=count_contracts(row.volume),
        volume_24h=count_contracts(row.volume_24h),
        open_interest=count_contracts(row.open_interest),
        notional_value=price_cents(row.notional_value),
        liquidity=0,
        category=category,
        risk_limit_cents=0,
        tick_size=_TICKS[row.price_level_structure],
        expected_expiration_time=_time(row.expected_expiration_us),
        settlement_value_dollars=None if settlement is None else price_dollars(settlement),
        settlement_value=None if settlement is None else price_cents(settlement),
        settlement_ts=_time(row.settlement_us),
        fee_waiver_expiration_time=_time(row.fee_waiver_expiration_us),
        early_close_condition=row.early_close_condition,
        strike_type=row.strike_type,
        floor_strike=_raw(row.floor_strike),
        cap_strike=_raw(row.cap_strike),
        functional_strike=row.functional_strike,
        custom_strike=_raw(row.custom_strike),
        mve_collection_ticker=row.mve_collection_ticker,
        mve_selected_legs=_raw(row.mve_legs),
        primary_participant_key=row.primary_participant_key,
        is_provisional=row.is_provisional or None,
    )


def event(row, markets: list[Raw] | None = None) -> catalog.Event:
    """`markets` are rendered Market JSON (models/market_json.py), when nested."""
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
        settlement_sources=_raw(row.settlement_sources),
        strike_date=_time(row.strike_date_us),
        strike_period=row.strike_period,
        markets=markets,
        fee_type_override=row.fee_type_override,
        fee_multiplier_override=_raw(row.fee_multiplier_override),
    )


def events(rows, nested_markets: dict[str, list[Raw]] | None) -> list[catalog.Event]:
    """Events, with their markets nested when `nested_markets` (event ticker -> JSON) is given."""
    if nested_markets is None:
        return [event(row) for row in rows]
    return [event(row, nested_markets.get(row.event_ticker, [])) for row in rows]


def event_metadata(row, market_rows) -> catalog.EventMetadata:
    return catalog.EventMetadata(
        image_url=row.image_url,
        featured_image_url=row.featured_image_url,
        market_details=[
            catalog.MarketMetadata(market_ticker=m.ticker, image_url=m.image_url, color_code=m.color_code)
            for m in market_rows
        ],
        settlement_sources=Raw(row.settlement_sources),
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
        related_event_tickers=Raw(row.related_event_tickers),
        title=row.title,
        notification_message=row.notification_message,
        source_id=row.source_id,
        source_ids=Raw(row.source_ids),
        details=Raw(row.details),
        primary_event_tickers=Raw(row.primary_event_tickers),
        last_updated_ts=to_rfc3339(row.updated_us),
    )


def structured_target(row) -> catalog.StructuredTarget:
    return catalog.StructuredTarget(
        id=row.id,
        name=row.name,
        type=row.type,
        details=Raw(row.details),
        source_ids=Raw(row.source_ids),
        last_updated_ts=to_rfc3339(row.updated_us),
        source_id=row.source_id,
    )


def live_data(row, include_player_stats: bool) -> catalog.LiveData:
    details = Raw(row.details)
    if include_player_stats and row.player_stats is not None:
        # Player statistics ride inside details, under their own key.
        merged = msgspec.json.decode(row.details)
        merged["player_stats"] = Raw(row.player_stats)
        details = Raw(msgspec.json.encode(merged))
    return catalog.LiveData(type=row.type, details=details, milestone_id=row.milestone_id)


def game_stats(text: str | None) -> catalog.GameStats:
    """`text` is the stored game_stats object, `{"pbp": {...}}`; none gives `{}`."""
    pbp = None if text is None else msgspec.json.decode(text).get("pbp")
    return catalog.GameStats(pbp=Raw(msgspec.json.encode(pbp)) if isinstance(pbp, dict) else None)


def announcement(row) -> catalog.Announcement:
    return catalog.Announcement(
        type=row.type, message=row.message, delivery_time=to_rfc3339(row.delivery_us), status=row.status
    )


def _stamp(text: str) -> str:
    return to_rfc3339(parse_datetime(text))


def _sessions(days) -> list[catalog.DailySchedule]:
    return [catalog.DailySchedule(open_time=d.open_time, close_time=d.close_time) for d in days]


def schedule(state) -> catalog.Schedule:
    """`state` is the stored exchange state (models.inputs.ExchangeIn)."""
    return catalog.Schedule(
        standard_hours=[
            catalog.WeeklySchedule(
                start_time=_stamp(w.start_time),
                end_time=_stamp(w.end_time),
                monday=_sessions(w.monday),
                tuesday=_sessions(w.tuesday),
                wednesday=_sessions(w.wednesday),
                thursday=_sessions(w.thursday),
                friday=_sessions(w.friday),
                saturday=_sessions(w.saturday),
                sunday=_sessions(w.sunday),
            )
            for w in state.standard_hours
        ],
        maintenance_windows=[
            catalog.MaintenanceWindow(start_datetime=_stamp(m.start_datetime), end_datetime=_stamp(m.end_datetime))
            for m in state.maintenance_windows
        ],
    )


def exchange_status(status) -> catalog.ExchangeStatus:
    return catalog.ExchangeStatus(
        exchange_active=status.exchange_active,
        trading_active=status.trading_active,
        exchange_estimated_resume_time=_time(status.resume_us),
    )


def series_fee_change(row) -> catalog.SeriesFeeChange:
    return catalog.SeriesFeeChange(
        id=row.id,
        series_ticker=row.series_ticker,
        fee_type=row.fee_type,
        fee_multiplier=Raw(row.fee_multiplier),
        scheduled_ts=to_rfc3339(row.scheduled_us),
    )


def incentive_program(row) -> catalog.IncentiveProgram:
    """`row` carries the market's `market_id` and `series_ticker` (None when the market is gone)."""
    target = None if row.target_size is None else Count(row.target_size)
    return catalog.IncentiveProgram(
        id=row.id,
        market_id=row.market_id or "",
        market_ticker=row.market_ticker,
        incentive_type=row.incentive_type,
        incentive_description=row.incentive_description,
        start_date=to_rfc3339(row.start_us),
        end_date=to_rfc3339(row.end_us),
        period_reward=row.period_reward,
        paid_out=row.paid_out,
        discount_factor_bps=row.discount_factor_bps,
        target_size_fp=None if target is None else target.to_fp(),
        target_size=None if target is None else target.to_contracts(),
        series_ticker=row.series_ticker,
    )


def sport_filter(sport) -> catalog.SportFilterDetails:
    """`sport` is a store.search.Sport."""
    return catalog.SportFilterDetails(
        scopes=sorted(sport.scopes),
        competitions={
            name: catalog.ScopeList(scopes=sorted(scopes)) for name, scopes in sorted(sport.competitions.items())
        },
    )
