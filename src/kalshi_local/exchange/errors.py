"""Why the venue refuses a command: one class per Kalshi error code.

REST renders them as ErrorResponse (errors.py); WebSocket and FIX gateways map the
same classes. Codes are those the Kalshi docs name for REST (changelog, order
validation codes) and, where REST names none, FIX's Text (58) values in lower case
(fix/order-entry.md).
"""

from __future__ import annotations

from ..errors import ApiError, Conflict, NotFound


class TradingError(ApiError):
    """A command the venue refused. Nothing was changed."""

    status = 400
    code = "invalid_order"


class InvalidOrder(TradingError):
    code = "invalid_order"


class PostOnlyCross(InvalidOrder):
    """A post-only order would have taken liquidity (changelog: code "invalid_order", details "post only cross")."""

    def __init__(self, message: str = "the post-only order would cross the book") -> None:
        super().__init__(message, details="post only cross")


class InvalidOrderSize(TradingError):
    code = "invalid_order_size"


class InvalidPrice(InvalidOrder):
    """A price off the market's price grid or outside (0, 1)."""


class InsufficientBalance(TradingError):
    code = "insufficient_balance"


class MarketNotFound(TradingError, NotFound):
    status = 404
    code = "market_not_found"


class MarketClosed(TradingError):
    """The market does not accept orders (not active)."""

    code = "market_closed"


class OrderNotFound(TradingError, NotFound):
    status = 404
    code = "not_found"


class OrderAlreadyExists(TradingError, Conflict):
    """The client_order_id is already used by one of the user's open orders."""

    status = 409
    code = "order_already_exists"


class FillOrKillInsufficientVolume(TradingError):
    code = "fok_insufficient_volume"


class ExceededSellPositionFloor(TradingError):
    """A reduce-only or sell_position_floor order with no position left to reduce."""

    code = "exceeded_sell_position_floor"


class OrderSideMismatch(TradingError):
    code = "order_side_mismatch"


class OrderTickerMismatch(TradingError):
    code = "order_ticker_mismatch"


class OrderIdAndClientOrderIdMismatch(TradingError):
    code = "order_id_and_client_order_id_mismatch"


class CannotUpdateFilledOrder(TradingError):
    code = "cannot_update_filled_order"


class InvalidAmendQuantity(TradingError):
    code = "invalid_amend_qty_for_order"


class AccountNotFound(TradingError):
    """No such (sub)account: a 400, the only client error the spec declares on the operations
    that take a subaccount (FIX: "Unknown account")."""

    code = "customer_account_not_found"


class InvalidBalance(TradingError):
    """An admin balance change beyond the largest balance an account may hold."""

    code = "invalid_parameters"


class MarketStatusConflict(TradingError, Conflict):
    """A lifecycle command the market's status does not allow (admin: e.g. determine an open market)."""

    status = 409
    code = "market_status_conflict"


class InvalidLifecycle(TradingError):
    """A lifecycle command with a bad value (admin: an unknown result, a close before the open)."""

    code = "invalid_parameters"


class TradingPaused(TradingError):
    """A trading pause (maintenance, the trading switch, outside the schedule) refuses placing
    and amending orders (getting_started/maintenance_and_pauses.md; FIX Text TRADING_PAUSED)."""

    code = "trading_paused"


class ExchangePaused(TradingError):
    """An exchange pause refuses every order operation, cancels included
    (getting_started/maintenance_and_pauses.md; FIX Text EXCHANGE_PAUSED)."""

    code = "exchange_paused"


class SubaccountLimitReached(TradingError):
    """A 33rd subaccount (create-subaccount.md: at most 32, numbered from 1). The docs name no code."""

    code = "invalid_parameters"


class InvalidRfqParameters(TradingError):
    """An RFQ or quote the rules refuse: a price off the grid, yes_bid + no_bid above $1, a declined
    side accepted, a quote that is not open (getting_started/rfqs.md: invalid_parameters)."""

    code = "invalid_parameters"


class SubaccountExists(TradingError, Conflict):
    """Two creates raced for one number: the caller takes the next."""

    status = 409
    code = "conflict"


class InvalidTransfer(TradingError):
    """A transfer between subaccounts with a bad amount or the same subaccount on both ends."""

    code = "invalid_parameters"


class OrderGroupNotFound(TradingError, NotFound):
    """No such order group of the caller's account: unknown, deleted, another user's or another
    subaccount's (fix/order-groups.md: ORDER_GROUP_NOT_FOUND)."""

    status = 404
    code = "order_group_not_found"


class UnknownOrderGroup(OrderGroupNotFound):
    """An order names an order group the caller's account does not have: order entry declares
    no 404, so this is a 400 (fix/order-entry.md Text ORDER_GROUP_NOT_FOUND)."""

    status = 400


class ExceededOrderGroupRiskLimit(TradingError):
    """An order in a group that hit its contracts limit or was triggered, before a reset
    (fix/order-entry.md Text EXCEEDED_ORDER_GROUP_RISK_LIMIT)."""

    code = "exceeded_order_group_risk_limit"


class InvalidOrderGroupLimit(TradingError):
    """A contracts limit outside 1 to 1,000,000 contracts (fix/order-groups.md)."""

    code = "invalid_parameters"


class RfqClosed(TradingError):
    """The RFQ was deleted, expired or already executed (getting_started/rfqs.md: RFQ_CLOSED)."""

    code = "rfq_closed"


class RfqNotFound(TradingError, NotFound):
    """No such RFQ or quote, or not one the caller is a party to."""

    status = 404
    code = "not_found"


class RfqAlreadyOpen(TradingError, Conflict):
    """The user has an open RFQ on this market already (getting_started/rfqs.md: 409 Conflict)."""

    status = 409
    code = "conflict"
