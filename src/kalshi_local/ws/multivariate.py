"""The `multivariate` channel (websockets/multivariate-lookups-deprecated.md): every combo
market created or looked up (api/multivariate.py) as a `multivariate_lookup` message to every
subscriber; the channel is global and takes no filter."""

from __future__ import annotations

from . import render
from .fanout import Gateway

CHANNEL = "multivariate"


def publish_lookup(gateway: Gateway, message: dict) -> None:
    """`message` is the msg body: collection_ticker, event_ticker, market_ticker and
    selected_markets (TickerPairs). Sent after the write committed."""
    subs = gateway.index.global_[CHANNEL]
    if not subs:
        return
    text = render.text(message)
    for sub in subs:
        gateway._send(sub, "multivariate_lookup", text, False)
