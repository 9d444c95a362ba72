"""Client commands: JSON text to a Command, or the contract's error for what is wrong with it.

Shapes are asyncapi.yaml's `subscribeCommandPayload`, `unsubscribeCommandPayload`,
`updateSubscriptionCommandPayload` and `listSubscriptionsCommandPayload`; the error for
each mistake is the one getting_started/quick_start_websockets.md describes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from . import errors

CHANNELS = (
    "orderbook_delta",
    "ticker",
    "trade",
    "fill",
    "market_positions",
    "market_lifecycle_v2",
    "multivariate_market_lifecycle",
    "multivariate",
    "communications",
    "order_group_updates",
    "user_orders",
)
ACTIONS = ("add_markets", "delete_markets", "get_snapshot")
MAX_SHARD_FACTOR = 100
# Sids in one unsubscribe: each gets an answer (unsubscribed, or error 7), and a list could
# otherwise fill the connection's send queue (ws_queue_limit) with them and close it.
MAX_UNSUBSCRIBE_SIDS = 1000
MAX_ID = 2**63 - 1  # ids are int64 in asyncapi.yaml: a client's parser must read every echoed one


@dataclass(frozen=True, slots=True)
class Subscribe:
    id: int
    channels: tuple[str, ...]
    tickers: tuple[str, ...] | None  # None: every market
    market_ids: tuple[str, ...] | None
    use_yes_price: bool = False
    send_initial_snapshot: bool = False
    skip_ticker_ack: bool = False
    shard: tuple[int, int] | None = None  # (factor, key)


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    id: int
    sids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ListSubscriptions:
    id: int


@dataclass(frozen=True, slots=True)
class UpdateSubscription:
    id: int
    sid: int
    action: str
    tickers: tuple[str, ...]
    market_ids: tuple[str, ...]
    send_initial_snapshot: bool = False


Command = Subscribe | Unsubscribe | ListSubscriptions | UpdateSubscription

_decoder = msgspec.json.Decoder()


def command_id(data: Any) -> int | None:
    """The command's id when it is a usable one (0 counts as none), for the error frame."""
    if isinstance(data, dict):
        ident = data.get("id")
        if type(ident) is int and 0 < ident <= MAX_ID:
            return ident
    return None


def decode(text: str | bytes) -> Any:
    try:
        return _decoder.decode(text)
    except msgspec.DecodeError:
        raise errors.UnableToProcess("the message is not JSON") from None
    except RecursionError:
        raise errors.UnableToProcess("the message is nested too deeply") from None


def parse(data: Any) -> Command:
    """A Command from decoded JSON; raises the WsError its first problem calls for."""
    if not isinstance(data, dict):
        raise errors.UnableToProcess("a command is a JSON object")
    ident = data.get("id", 0)
    if type(ident) is not int or not 0 <= ident <= MAX_ID:
        raise errors.UnableToProcess(f"id must be an integer from 0 to {MAX_ID}")
    cmd = data.get("cmd")
    if not isinstance(cmd, str):
        raise errors.UnableToProcess("cmd must be a string")
    if cmd == "list_subscriptions":
        return ListSubscriptions(ident)
    parser = _PARSERS.get(cmd)
    if parser is None:
        raise errors.UnknownCommand(f"unknown cmd {cmd[:40]!r}")
    params = data.get("params")
    if params is None:
        raise errors.ParamsRequired()
    if not isinstance(params, dict):
        raise errors.UnableToProcess("params must be an object")
    return parser(ident, params)


def _subscribe(ident: int, params: dict) -> Subscribe:
    channels = params.get("channels")
    if channels is None or channels == []:
        raise errors.ChannelsRequired()
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise errors.UnableToProcess("channels must be an array of strings")
    for channel in channels:
        if channel not in CHANNELS:
            raise errors.UnknownChannel(f"unknown channel {channel[:40]!r}")
    tickers, ids = _markets(params)
    return Subscribe(
        ident,
        tuple(dict.fromkeys(channels)),
        tickers,
        ids,
        _flag(params, "use_yes_price"),
        _flag(params, "send_initial_snapshot"),
        _flag(params, "skip_ticker_ack"),
        _shard(params),
    )


def _unsubscribe(ident: int, params: dict) -> Unsubscribe:
    sids = params.get("sids")
    if sids is None or sids == []:
        raise errors.SidsRequired()
    if not isinstance(sids, list) or not all(type(s) is int for s in sids):
        raise errors.UnableToProcess("sids must be an array of integers")
    if len(sids) > MAX_UNSUBSCRIBE_SIDS:
        raise errors.InvalidParameter(f"at most {MAX_UNSUBSCRIBE_SIDS} sids in one unsubscribe")
    return Unsubscribe(ident, tuple(sids))


def _update(ident: int, params: dict) -> UpdateSubscription:
    action = params.get("action")
    if action is None:
        raise errors.ActionRequired()
    if not isinstance(action, str):
        raise errors.UnableToProcess("action must be a string")
    if action not in ACTIONS:
        raise errors.UnsupportedAction(f"action {action[:40]!r} is not one of {', '.join(ACTIONS)}")
    sid = params.get("sid")
    sids = params.get("sids")
    if sid is not None and sids is not None:
        raise errors.ExactlyOneSid("give sid or sids, not both")
    if sids is not None:
        if not isinstance(sids, list) or not all(type(s) is int for s in sids):
            raise errors.UnableToProcess("sids must be an array of integers")
        if len(sids) != 1:
            raise errors.ExactlyOneSid()
        sid = sids[0]
    if sid is None:
        raise errors.ExactlyOneSid()
    if type(sid) is not int:
        raise errors.UnableToProcess("sid must be an integer")
    tickers, ids = _markets(params)
    if tickers is None and ids is None:
        raise errors.MarketTickerRequired()
    return UpdateSubscription(ident, sid, action, tickers or (), ids or (), _flag(params, "send_initial_snapshot"))


def _markets(params: dict) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    one, many = params.get("market_ticker"), params.get("market_tickers")
    tickers: list[str] | None = None
    if one is not None:
        if not isinstance(one, str):
            raise errors.UnableToProcess("market_ticker must be a string")
        tickers = [one]
    if many is not None:
        if not isinstance(many, list) or not all(isinstance(t, str) for t in many):
            raise errors.UnableToProcess("market_tickers must be an array of strings")
        tickers = (tickers or []) + many
    ids: list[str] | None = None
    one_id, many_ids = params.get("market_id"), params.get("market_ids")
    for value in ([one_id] if one_id is not None else []) + (many_ids if isinstance(many_ids, list) else []):
        if not isinstance(value, str) or not _is_uuid(value):
            raise errors.InvalidParameter(f"market id {str(value)[:40]!r} is not a UUID")
        ids = (ids or []) + [value]
    if many_ids is not None and not isinstance(many_ids, list):
        raise errors.UnableToProcess("market_ids must be an array of strings")
    if tickers == [] and ids is None:
        raise errors.MarketTickerRequired()
    return (tuple(dict.fromkeys(tickers)) if tickers is not None else None, tuple(ids) if ids is not None else None)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _flag(params: dict, name: str) -> bool:
    value = params.get(name, False)
    if not isinstance(value, bool):
        raise errors.UnableToProcess(f"{name} must be a boolean")
    return value


def _shard(params: dict) -> tuple[int, int] | None:
    factor, key = params.get("shard_factor"), params.get("shard_key")
    for name, value in (("shard_factor", factor), ("shard_key", key)):
        if value is not None and type(value) is not int:
            raise errors.UnableToProcess(f"{name} must be an integer")
    if factor is None:
        if key is not None:
            raise errors.ShardFactorRequired()
        return None
    if factor <= 0:
        raise errors.ShardFactorPositive()
    if factor > MAX_SHARD_FACTOR:
        raise errors.ShardFactorTooLarge()
    key = 0 if key is None else key
    if not 0 <= key < factor:
        raise errors.ShardKeyRange()
    return (factor, key)


_PARSERS: dict[str, Callable[[int, dict], Command]] = {
    "subscribe": _subscribe,
    "unsubscribe": _unsubscribe,
    "update_subscription": _update,
}
