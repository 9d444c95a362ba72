"""WebSocket command errors: one class per code of the contract's list.

The codes and texts are asyncapi.yaml's `x-error-codes` and the table of
getting_started/quick_start_websockets.md (which adds 25, buffer overflow).
Each is rendered once, by `error_frame`, as `{"id", "type": "error", "msg": {"code", "msg"}}`;
the connection stays open after any of them but 25.
"""

from __future__ import annotations


class WsError(Exception):
    code = 1
    text = "Unable to process message"

    def __init__(self, detail: str = "", market_ticker: str | None = None) -> None:
        super().__init__(detail or self.text)
        self.detail = detail
        self.market_ticker = market_ticker

    @property
    def message(self) -> str:
        return f"{self.text}: {self.detail}" if self.detail else self.text


class UnableToProcess(WsError):
    code, text = 1, "Unable to process message"


class ParamsRequired(WsError):
    code, text = 2, "Params required"


class ChannelsRequired(WsError):
    code, text = 3, "Channels required"


class SidsRequired(WsError):
    code, text = 4, "Subscription IDs required"


class UnknownCommand(WsError):
    code, text = 5, "Unknown command"


class AlreadySubscribed(WsError):
    code, text = 6, "Already subscribed"


class UnknownSid(WsError):
    code, text = 7, "Unknown subscription ID"


class UnknownChannel(WsError):
    code, text = 8, "Unknown channel name"


class AuthenticationRequired(WsError):
    code, text = 9, "Authentication required"


class ChannelError(WsError):
    code, text = 10, "Channel error"


class InvalidParameter(WsError):
    code, text = 11, "Invalid parameter"


class ExactlyOneSid(WsError):
    code, text = 12, "Exactly one subscription ID is required"


class UnsupportedAction(WsError):
    code, text = 13, "Unsupported action"


class MarketTickerRequired(WsError):
    code, text = 14, "Market Ticker required"


class ActionRequired(WsError):
    code, text = 15, "Action required"


class MarketNotFound(WsError):
    code, text = 16, "Market not found"


class InternalError(WsError):
    code, text = 17, "Internal error"


class CommandTimeout(WsError):
    code, text = 18, "Command timeout"


class ShardFactorPositive(WsError):
    code, text = 19, "shard_factor must be > 0"


class ShardFactorRequired(WsError):
    code, text = 20, "shard_factor is required when shard_key is set"


class ShardKeyRange(WsError):
    code, text = 21, "shard_key must be >= 0 and < shard_factor"


class ShardFactorTooLarge(WsError):
    code, text = 22, "shard_factor must be <= 100"


class BufferOverflow(WsError):
    code, text = 25, "Subscription buffer overflow"
