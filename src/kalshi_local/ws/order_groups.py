"""The `order_group_updates` channel (websockets/order-group-updates.md): every change of a
user's order groups, from the engine's OrderGroupChanged events, to that user's subscriptions.

The message (asyncapi.yaml orderGroupUpdatesPayload) carries a `seq` per subscription, the
event type, the group id, `contracts_limit_fp` for created and limit_updated only, and `ts_ms`,
the exchange time of the change.
"""

from __future__ import annotations

from typing import Any

from ..exchange.money import count_fp
from ..exchange.order_groups import OrderGroupChanged
from . import render

CHANNEL = "order_group_updates"
_WITH_LIMIT = frozenset({"created", "limit_updated"})


def attach(gateway: Any) -> None:
    """Publishes the engine's order-group events through `gateway` (ws/fanout.py Gateway)."""

    def changed(event: OrderGroupChanged) -> None:
        group = event.group
        subs = gateway.index.of_user(CHANNEL, group.user_seq)
        if not subs:
            return
        body = message(event)
        for sub in list(subs):
            gateway._send(sub, CHANNEL, body, True)

    gateway.lifecycle_handlers[OrderGroupChanged] = changed


def message(event: OrderGroupChanged) -> str:
    group = event.group
    msg: dict[str, object] = {"event_type": event.event_type, "order_group_id": group.order_group_id}
    if event.event_type in _WITH_LIMIT:
        msg["contracts_limit_fp"] = count_fp(group.contracts_limit)
    msg["ts_ms"] = group.updated_us // 1000
    return render.text(msg)
