"""Tables. One schema for SQLite and PostgreSQL.

Conventions: every table that is listed with a cursor has an integer `seq`
primary key that only grows, so keyset pagination on it is stable while rows
are inserted. Times are BIGINT microseconds since the epoch (`*_us`). Money
and counts are BIGINT fixed-point units (see exchange/money.py). Free-form
JSON (details, tags, ...) is stored as its JSON text and sent out as is.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    func,
)

metadata = MetaData()

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL wants BIGINT.
Seq = BigInteger().with_variant(Integer(), "sqlite")


def _seq() -> Column:
    return Column("seq", Seq, primary_key=True, autoincrement=True)


def _json(name: str, nullable: bool = False) -> Column:
    return Column(name, Text, nullable=nullable)


def _us(name: str, nullable: bool = False) -> Column:
    return Column(name, BigInteger, nullable=nullable)


def _version() -> Column:
    # Grows on every write of the row: rendered JSON is cached per version (models/json_cache.py).
    return Column("version", BigInteger, nullable=False, server_default="1")


def _money(name: str, nullable: bool = False) -> Column:
    return Column(name, BigInteger, nullable=nullable, default=0)


schema_info = Table(
    "schema_info",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

exchange_state = Table(
    "exchange_state",
    metadata,
    Column("key", Text, primary_key=True),
    _json("value"),
)

# The engine's own bookkeeping (its id counters): order flow, not the catalog.
engine_state = Table(
    "engine_state",
    metadata,
    Column("key", Text, primary_key=True),
    _json("value"),
)

series = Table(
    "series",
    metadata,
    _seq(),
    Column("ticker", Text, nullable=False, unique=True),
    Column("frequency", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("category", Text, nullable=False),
    _json("tags"),
    _json("settlement_sources"),
    Column("contract_url", Text, nullable=False),
    Column("contract_terms_url", Text, nullable=False),
    _json("product_metadata", nullable=True),
    Column("fee_type", Text, nullable=False),
    Column("fee_multiplier", Text, nullable=False),
    _json("additional_prohibitions"),
    _us("updated_us"),
    Index("ix_series_category", "category"),
    Index("ix_series_updated", "updated_us"),
)

events = Table(
    "events",
    metadata,
    _seq(),
    Column("event_ticker", Text, nullable=False, unique=True),
    Column("series_ticker", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("sub_title", Text, nullable=False),
    Column("collateral_return_type", Text, nullable=False),
    Column("mutually_exclusive", Boolean, nullable=False),
    Column("category", Text, nullable=False),
    _us("strike_date_us", nullable=True),
    Column("strike_period", Text, nullable=True),
    Column("available_on_brokers", Boolean, nullable=False),
    _json("product_metadata", nullable=True),
    Column("fee_type_override", Text, nullable=True),
    Column("fee_multiplier_override", Text, nullable=True),
    Column("image_url", Text, nullable=False),
    Column("featured_image_url", Text, nullable=False),
    _json("settlement_sources"),
    Column("competition", Text, nullable=True),
    Column("competition_scope", Text, nullable=True),
    Column("is_multivariate", Boolean, nullable=False, default=False),
    _us("updated_us"),
    Index("ix_events_series", "series_ticker", "seq"),
    Index("ix_events_updated", "updated_us"),
)

markets = Table(
    "markets",
    metadata,
    _seq(),
    Column("ticker", Text, nullable=False, unique=True),
    Column("market_id", Text, nullable=False, unique=True),
    Column("event_ticker", Text, nullable=False),
    Column("series_ticker", Text, nullable=False),
    Column("market_type", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("subtitle", Text, nullable=False),
    Column("yes_sub_title", Text, nullable=False),
    Column("no_sub_title", Text, nullable=False),
    _us("created_us"),
    _us("updated_us"),
    _us("open_us"),
    _us("close_us"),
    _us("expected_expiration_us", nullable=True),
    _us("latest_expiration_us"),
    Column("settlement_timer_seconds", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("result", Text, nullable=False),
    Column("can_close_early", Boolean, nullable=False),
    _money("notional_value"),
    _money("yes_bid"),
    _money("yes_ask"),
    _money("yes_bid_size"),
    _money("yes_ask_size"),
    _money("last_price"),
    _money("previous_yes_bid"),
    _money("previous_yes_ask"),
    _money("previous_price"),
    _money("volume"),
    _money("volume_24h"),
    _money("open_interest"),
    Column("liquidity", BigInteger, nullable=False, server_default="0"),
    _money("settlement_value", nullable=True),
    _us("settlement_us", nullable=True),
    Column("expiration_value", Text, nullable=False),
    _us("occurrence_us", nullable=True),
    _us("fee_waiver_expiration_us", nullable=True),
    Column("early_close_condition", Text, nullable=True),
    Column("strike_type", Text, nullable=True),
    Column("floor_strike", Text, nullable=True),
    Column("cap_strike", Text, nullable=True),
    Column("functional_strike", Text, nullable=True),
    _json("custom_strike", nullable=True),
    Column("rules_primary", Text, nullable=False),
    Column("rules_secondary", Text, nullable=False),
    Column("price_level_structure", Text, nullable=False),
    Column("is_provisional", Boolean, nullable=False, default=False),
    Column("primary_participant_key", Text, nullable=True),
    Column("mve_collection_ticker", Text, nullable=True),
    Column("image_url", Text, nullable=False),
    Column("color_code", Text, nullable=False),
    _version(),
    Index("ix_markets_event", "event_ticker", "seq"),
    Index("ix_markets_series", "series_ticker", "seq"),
    Index("ix_markets_open", "open_us"),
    Index("ix_markets_close", "close_us"),
    Index("ix_markets_created", "created_us"),
    Index("ix_markets_updated", "updated_us"),
    Index("ix_markets_settled", "settlement_us"),
)

milestones = Table(
    "milestones",
    metadata,
    _seq(),
    Column("id", Text, nullable=False, unique=True),
    Column("category", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("notification_message", Text, nullable=False),
    _us("start_us"),
    _us("end_us", nullable=True),
    Column("source_id", Text, nullable=True),
    _json("source_ids"),
    _json("details"),
    _json("primary_event_tickers"),
    _json("related_event_tickers"),
    Column("competition", Text, nullable=True),
    _us("updated_us"),
    _version(),
    Index("ix_milestones_category", "category", "seq"),
    Index("ix_milestones_type", "type", "seq"),
    Index("ix_milestones_competition", "competition", "seq"),
    Index("ix_milestones_source", "source_id"),
    Index("ix_milestones_updated", "updated_us"),
)

# One row per related event ticker: GET /milestones?related_event_ticker=
milestone_events = Table(
    "milestone_events",
    metadata,
    Column("event_ticker", Text, nullable=False),
    Column("milestone_seq", Seq, nullable=False),
    PrimaryKeyConstraint("event_ticker", "milestone_seq"),
    Index("ix_milestone_events_milestone", "milestone_seq"),
)

structured_targets = Table(
    "structured_targets",
    metadata,
    _seq(),
    Column("id", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False),
    _json("details"),
    Column("source_id", Text, nullable=True),
    _json("source_ids"),
    _us("updated_us"),
    _version(),
    Index("ix_targets_type", "type", "seq"),
)

# One row per league/conference/division/tour named in a target's details.
target_competitions = Table(
    "target_competitions",
    metadata,
    Column("competition", Text, nullable=False),
    Column("target_seq", Seq, nullable=False),
    PrimaryKeyConstraint("competition", "target_seq"),
    Index("ix_target_competitions_target", "target_seq"),
)

live_data = Table(
    "live_data",
    metadata,
    Column("milestone_id", Text, primary_key=True),
    Column("type", Text, nullable=False),
    _json("details"),
    _json("player_stats", nullable=True),
    _json("game_stats", nullable=True),
    _us("updated_us"),
)

announcements = Table(
    "announcements",
    metadata,
    _seq(),
    Column("type", Text, nullable=False),
    Column("message", Text, nullable=False),
    _us("delivery_us"),
    Column("status", Text, nullable=False),
)

# An announcement is keyed by its message and delivery time (a scenario loaded twice
# updates it). db.create_schema makes the unique index: PostgreSQL indexes a hash of
# the message, since a btree entry must stay under about 2.7 kB.
ANNOUNCEMENT_KEY_INDEX = "ux_announcements_key"


def announcement_key(dialect: str) -> list:
    """The elements of the announcements' unique index (an ON CONFLICT target)."""
    a = announcements.c
    return [a.delivery_us, func.md5(a.message)] if dialect == "postgresql" else [a.message, a.delivery_us]


def announcement_key_ddl(dialect: str) -> str:
    elements = "delivery_us, md5(message)" if dialect == "postgresql" else "message, delivery_us"
    return f"CREATE UNIQUE INDEX IF NOT EXISTS {ANNOUNCEMENT_KEY_INDEX} ON announcements ({elements})"


fee_changes = Table(
    "fee_changes",
    metadata,
    _seq(),
    Column("id", Text, nullable=False, unique=True),
    Column("series_ticker", Text, nullable=False),
    Column("fee_type", Text, nullable=False),
    Column("fee_multiplier", Text, nullable=False),
    _us("scheduled_us"),
    # When the series took this fee (exchange/fee_changes.py); NULL while it is still to come.
    _us("applied_us", nullable=True),
)

incentive_programs = Table(
    "incentive_programs",
    metadata,
    _seq(),
    Column("id", Text, nullable=False, unique=True),
    Column("market_ticker", Text, nullable=False),
    Column("incentive_type", Text, nullable=False),
    Column("incentive_description", Text, nullable=False),
    _us("start_us"),
    _us("end_us"),
    Column("period_reward", BigInteger, nullable=False),
    Column("paid_out", Boolean, nullable=False),
    Column("discount_factor_bps", Integer, nullable=True),
    _money("target_size", nullable=True),
)

users = Table(
    "users",
    metadata,
    _seq(),
    Column("user_id", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False, unique=True),
    Column("tier", Text, nullable=False, default="basic"),
    _us("created_us"),
)

# Amount units ($0.000001): fees to six decimals are kept exactly. Subaccount 0 is the primary one.
balances = Table(
    "balances",
    metadata,
    Column("user_seq", Seq, ForeignKey("users.seq"), nullable=False),
    Column("subaccount", Integer, nullable=False),
    _money("balance"),
    # Locked by resting orders: what a new order may spend is balance - reserved.
    Column("reserved", BigInteger, nullable=False, server_default="0"),
    _us("updated_us"),
    PrimaryKeyConstraint("user_seq", "subaccount"),
)

api_keys = Table(
    "api_keys",
    metadata,
    _seq(),
    Column("key_id", Text, nullable=False, unique=True),
    Column("user_seq", Seq, ForeignKey("users.seq"), nullable=False),
    Column("name", Text, nullable=False),
    Column("public_key", Text, nullable=False),
    Column("scopes", Text, nullable=False),  # "read" or "read,write"
    _us("created_us"),
    Index("ix_api_keys_user", "user_seq", "seq"),
)

# Deposits and withdrawals; amounts in cents as GET /portfolio/deposits shows them.
transfers = Table(
    "transfers",
    metadata,
    _seq(),
    Column("transfer_id", Text, nullable=False, unique=True),
    Column("user_seq", Seq, ForeignKey("users.seq"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("method", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("fee_cents", BigInteger, nullable=False, default=0),
    _us("created_us"),
    _us("finalized_us", nullable=True),
    Index("ix_transfers_user_kind", "user_seq", "kind", "seq"),
)

# --- Trading state, written only by the engine (engine/writer.py) from domain events. ---
# Prices are yes prices in $0.0001, counts in 0.01 contracts, money in $0.000001 (exchange/orders.py).

orders = Table(
    "orders",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),  # the venue's order seq: time priority
    Column("order_id", Text, nullable=False, unique=True),
    Column("user_seq", Seq, nullable=False),
    Column("user_id", Text, nullable=False),  # the owner's public id, so a rebuild needs no join
    Column("subaccount", Integer, nullable=False),
    Column("ticker", Text, nullable=False),
    Column("event_ticker", Text, nullable=False),
    Column("book_side", Text, nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("initial_count", BigInteger, nullable=False),
    Column("remaining_count", BigInteger, nullable=False),
    Column("fill_count", BigInteger, nullable=False),
    Column("status", Text, nullable=False),
    Column("time_in_force", Text, nullable=False),
    Column("self_trade_prevention", Text, nullable=False),
    Column("client_order_id", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("side", Text, nullable=False),
    Column("post_only", Boolean, nullable=False),
    Column("reduce_only", Boolean, nullable=False),
    Column("cancel_order_on_pause", Boolean, nullable=False),
    Column("order_group_id", Text, nullable=True),
    _us("expiration_us", nullable=True),
    _us("created_us"),
    _us("updated_us"),
    _money("taker_fill_cost"),
    _money("maker_fill_cost"),
    _money("taker_fees"),
    _money("maker_fees"),
    _money("fee_accumulator"),
    _money("reserved"),
    Index("ix_orders_user", "user_seq", "seq"),
    Index("ix_orders_user_ticker", "user_seq", "ticker", "seq"),
    Index("ix_orders_book", "ticker", "status", "book_side", "price"),
    Index("ix_orders_resting", "status", "seq"),
)

fills = Table(
    "fills",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),  # the event seq
    Column("fill_id", Text, nullable=False, unique=True),
    Column("trade_id", Text, nullable=False),
    Column("order_id", Text, nullable=False),
    Column("user_seq", Seq, nullable=False),
    Column("subaccount", Integer, nullable=False),
    Column("ticker", Text, nullable=False),
    Column("book_side", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("side", Text, nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("count", BigInteger, nullable=False),
    Column("is_taker", Boolean, nullable=False),
    _money("fee"),
    _us("created_us"),
    Index("ix_fills_user", "user_seq", "seq"),
    Index("ix_fills_user_ticker", "user_seq", "ticker", "seq"),
    Index("ix_fills_order", "order_id"),
    Index("ix_fills_created", "created_us"),
)

trades = Table(
    "trades",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),  # the event seq
    Column("trade_id", Text, nullable=False, unique=True),
    Column("ticker", Text, nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("count", BigInteger, nullable=False),
    Column("taker_book_side", Text, nullable=False),
    _us("created_us"),
    Index("ix_trades_ticker", "ticker", "seq"),
    Index("ix_trades_created", "created_us"),
)

candles = Table(
    "candles",
    metadata,
    Column("ticker", Text, nullable=False),
    Column("period", Integer, nullable=False),  # minutes: 1, 60 or 1440
    Column("end_ts", BigInteger, nullable=False),  # Unix seconds, the inclusive end of the period
    *(
        Column(f"{side}_{part}", BigInteger, nullable=True)
        for side in ("bid", "ask")
        for part in ("first", "low", "high", "close")
    ),
    *(Column(f"price_{part}", BigInteger, nullable=True) for part in ("open", "low", "high", "close")),
    Column("price_volume", BigInteger, nullable=False),  # sum of price x count (raw units): the mean's numerator
    Column("volume", BigInteger, nullable=False),
    Column("open_interest", BigInteger, nullable=True),
    Column("last_price", BigInteger, nullable=True),
    PrimaryKeyConstraint("ticker", "period", "end_ts"),
)  # exchange/candles.py Bucket, one row per market, period and bucket that saw a change

positions = Table(
    "positions",
    metadata,
    Column("user_seq", Seq, nullable=False),
    Column("subaccount", Integer, nullable=False),
    Column("ticker", Text, nullable=False),
    Column("event_ticker", Text, nullable=False),
    Column("position", BigInteger, nullable=False),
    _money("total_traded"),
    _money("market_exposure"),
    _money("realized_pnl"),
    _money("fees_paid"),
    Column("resting_orders_count", Integer, nullable=False, default=0),
    _us("updated_us"),
    Column("seq", BigInteger, nullable=False),  # event seq of the last change: the cursor order
    PrimaryKeyConstraint("user_seq", "subaccount", "ticker"),
    Index("ix_positions_user_seq", "user_seq", "seq"),
    Index("ix_positions_user_event", "user_seq", "event_ticker"),
)

# When each market's settlement timer last (re)started (determination, dispute, amendment),
# and whether it was voided (markets.result stays "" then: the spec's Market.result has no void).
settlement_timers = Table(
    "settlement_timers",
    metadata,
    Column("ticker", Text, primary_key=True),
    _us("timer_start_us", nullable=True),
    Column("voided", Boolean, nullable=False, default=False),
)

# One row per account and settled market: GET /portfolio/settlements. Amounts in $0.000001.
settlements = Table(
    "settlements",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),  # the event seq
    Column("user_seq", Seq, nullable=False),
    Column("subaccount", Integer, nullable=False),
    Column("ticker", Text, nullable=False),
    Column("event_ticker", Text, nullable=False),
    Column("market_result", Text, nullable=False),
    Column("yes_count", BigInteger, nullable=False),
    _money("yes_total_cost"),
    Column("no_count", BigInteger, nullable=False),
    _money("no_total_cost"),
    _money("revenue"),
    _money("settlement_fee"),
    _money("fee_cost"),
    Column("value", BigInteger, nullable=True),  # what one YES paid (Price); NULL when void
    _us("settled_us"),
    Index("ix_settlements_user", "user_seq", "seq"),
    Index("ix_settlements_user_ticker", "user_seq", "ticker", "seq"),
)

# A member's numbered subaccounts (1..32) and the netting setting of each, the primary's (0)
# too once set: configuration. Their cash is in balances.
subaccounts = Table(
    "subaccounts",
    metadata,
    Column("user_seq", Seq, nullable=False),
    Column("subaccount", Integer, nullable=False),
    Column("netting_enabled", Boolean, nullable=False),
    _us("created_us"),
    PrimaryKeyConstraint("user_seq", "subaccount"),
)

# Cash moved between one member's subaccounts (GET /portfolio/subaccounts/transfers). Amount units.
subaccount_transfers = Table(
    "subaccount_transfers",
    metadata,
    _seq(),
    Column("transfer_id", Text, nullable=False, unique=True),
    Column("user_seq", Seq, nullable=False),
    Column("client_transfer_id", Text, nullable=False),
    Column("from_subaccount", Integer, nullable=False),
    Column("to_subaccount", Integer, nullable=False),
    _money("amount"),
    _us("created_us"),
    Index("ux_subaccount_transfers_client", "user_seq", "client_transfer_id", unique=True),
    Index("ix_subaccount_transfers_user", "user_seq", "seq"),
)

# Order groups (exchange/order_groups.py), written by the engine; a deleted group has no row.
# Their rolling windows are not stored: a rebuild reads the fills after `reset_seq`.
order_groups = Table(
    "order_groups",
    metadata,
    Column("order_group_id", Text, primary_key=True),
    Column("created_seq", BigInteger, nullable=False),  # the event seq of its creation: list order
    Column("user_seq", Seq, nullable=False),
    Column("subaccount", Integer, nullable=False),
    Column("contracts_limit", BigInteger, nullable=False),  # Count
    Column("triggered", Boolean, nullable=False),
    Column("reset_seq", BigInteger, nullable=False),
    _us("created_us"),
    _us("updated_us"),
    Index("ix_order_groups_user", "user_seq", "created_seq"),
)

# FCM members and their sub-traders (GET /fcm/orders, /fcm/positions): configuration.
fcm_members = Table(
    "fcm_members",
    metadata,
    Column("user_seq", Seq, primary_key=True),
)
fcm_subtraders = Table(
    "fcm_subtraders",
    metadata,
    Column("subtrader_user_seq", Seq, primary_key=True),  # a sub-trader clears through one FCM
    Column("fcm_user_seq", Seq, nullable=False),
    Index("ix_fcm_subtraders_fcm", "fcm_user_seq"),
)

# Multivariate event collections (exchange/combos.py): configuration, listed with a cursor.
# `associated_events` is the JSON list of AssociatedEvent objects.
mve_collections = Table(
    "mve_collections",
    metadata,
    _seq(),
    Column("collection_ticker", Text, nullable=False, unique=True),
    Column("series_ticker", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    _us("open_us"),
    _us("close_us"),
    _json("associated_events"),
    Column("is_ordered", Boolean, nullable=False),
    Column("size_min", Integer, nullable=False),
    Column("size_max", Integer, nullable=False),
    Column("functional_description", Text, nullable=False),
    _us("updated_us"),
    Index("ix_mve_collections_series", "series_ticker", "seq"),
)

# One row per combo market made from a selection (POST .../{collection_ticker}); `legs` is the
# JSON list of TickerPairs in canonical order. last_queried_us feeds the lookup history.
mve_markets = Table(
    "mve_markets",
    metadata,
    Column("market_ticker", Text, primary_key=True),
    Column("collection_ticker", Text, nullable=False),
    Column("event_ticker", Text, nullable=False),
    _json("legs"),
    _us("created_us"),
    _us("last_queried_us"),
    Index("ix_mve_markets_queried", "collection_ticker", "last_queried_us"),
)

# The combo markets each user made in the last week (exchange/combos.py CREATION_WINDOW_US):
# the weekly creation limit. Older rows are dropped as the user makes new ones.
mve_creations = Table(
    "mve_creations",
    metadata,
    _seq(),
    Column("user_seq", Seq, nullable=False),
    _us("created_us"),
    Index("ix_mve_creations_user", "user_seq", "created_us"),
)

# RFQs and their quotes (exchange/rfq_events.py), written by the engine in its batch
# (engine/rfq_rows.py). `seq` is the event seq that created the row: the lists' cursor order.
rfqs = Table(
    "rfqs",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("rfq_id", Text, nullable=False, unique=True),
    Column("user_seq", Seq, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("subaccount", Integer, nullable=False),
    Column("ticker", Text, nullable=False),
    Column("event_ticker", Text, nullable=False),
    Column("contracts", BigInteger, nullable=False),
    _money("target_cost", nullable=True),
    Column("rest_remainder", Boolean, nullable=False),
    Column("hvm", Boolean, nullable=False),
    Column("status", Text, nullable=False),
    _us("created_us"),
    _us("updated_us"),
    _us("cancelled_us", nullable=True),
    Column("cancellation_reason", Text, nullable=False),
    Column("mve_collection_ticker", Text, nullable=False, server_default=""),
    _json("mve_selected_legs", nullable=True),  # a combo's legs: the JSON list of MveSelectedLegs
    Index("ix_rfqs_status", "status", "seq"),
)

quotes = Table(
    "quotes",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("quote_id", Text, nullable=False, unique=True),
    Column("rfq_id", Text, nullable=False),
    Column("user_seq", Seq, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("subaccount", Integer, nullable=False),
    Column("rfq_user_seq", Seq, nullable=False),
    Column("rfq_user_id", Text, nullable=False),
    Column("rfq_subaccount", Integer, nullable=False),
    Column("ticker", Text, nullable=False),
    Column("event_ticker", Text, nullable=False),
    Column("contracts", BigInteger, nullable=False),
    _money("target_cost", nullable=True),
    Column("yes_bid", BigInteger, nullable=False),
    Column("no_bid", BigInteger, nullable=False),
    Column("yes_contracts", BigInteger, nullable=False),
    Column("no_contracts", BigInteger, nullable=False),
    Column("rest_remainder", Boolean, nullable=False),
    Column("post_only", Boolean, nullable=False),
    Column("hvm", Boolean, nullable=False),
    Column("status", Text, nullable=False),
    _us("created_us"),
    _us("updated_us"),
    Column("accepted_side", Text, nullable=False),
    _us("accepted_us", nullable=True),
    _us("confirmed_us", nullable=True),
    _us("executed_us", nullable=True),
    _us("cancelled_us", nullable=True),
    Column("cancellation_reason", Text, nullable=False),
    Column("creator_order_id", Text, nullable=False),
    Column("rfq_creator_order_id", Text, nullable=False),
    Column("creator_client_order_id", Text, nullable=False),
    Column("rfq_creator_client_order_id", Text, nullable=False),
    Index("ix_quotes_user", "user_seq", "seq"),
    Index("ix_quotes_rfq_user", "rfq_user_seq", "seq"),
    Index("ix_quotes_status", "status", "seq"),
)

# Keyset cursors and the JSON cache rely on a seq never being handed out twice.
# SQLite reuses the largest rowid after a delete unless the table is AUTOINCREMENT.
for _table in metadata.tables.values():
    if "seq" in _table.c and _table.c.seq.primary_key and _table.c.seq.autoincrement is not False:
        _table.dialect_options["sqlite"]["autoincrement"] = True
