"""Fault injection (ours, not Kalshi's): the faults the admin API or a scenario file asked for,
applied to the channel messages of the connections they target (docs/websocket.md).

A fault (models/inputs.py WsFaultIn) targets connections by id, user and channel; of the
messages it matches, the first `after` pass, the next `count` (0: all) get it:
- drop: not sent; a message with a `seq` still uses its number, so the client sees a gap;
- duplicate: sent twice, same seq;
- delay: held `delay_ms`, and the connection's later messages behind it (TCP keeps order);
- skip_seq: the subscription's seq jumps one number before the message (only messages with a seq match);
- disconnect: the TCP connection is aborted, with no close frame;
- overflow: the buffer-overflow error (code 25) and a close, as a reader that fell behind gets.
No fault: `Gateway._send` checks one empty list and nothing else changes.
"""

from __future__ import annotations

import itertools
from typing import Any

from ..models.inputs import WsFaultIn


class Fault:
    __slots__ = ("fault_id", "spec", "seen", "applied")

    def __init__(self, fault_id: int, spec: WsFaultIn) -> None:
        self.fault_id = fault_id
        self.spec = spec
        self.seen = 0  # matching messages so far
        self.applied = 0

    def matches(self, conn: Any, channel: str, kind: str, with_seq: bool) -> bool:
        spec = self.spec
        return (
            (spec.connection_id is None or spec.connection_id == conn.connection_id)
            and (spec.user_id is None or spec.user_id == conn.caller.user_id)
            and (spec.channel is None or spec.channel == channel)
            and (spec.message_type is None or spec.message_type == kind)
            and (spec.kind != "skip_seq" or with_seq)
        )

    def shown(self) -> dict:
        spec = self.spec
        body: dict[str, Any] = {"fault_id": self.fault_id, "kind": spec.kind}
        for name in ("connection_id", "user_id", "channel", "message_type", "delay_ms"):
            value = getattr(spec, name)
            if value is not None:
                body[name] = value
        body |= {"after": spec.after, "count": spec.count, "applied": self.applied}
        return body


class Faults:
    """The faults in force on one server, in the order they were added (the first that
    matches a message is the one applied to it)."""

    def __init__(self) -> None:
        self.active: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: WsFaultIn) -> Fault:
        fault = Fault(next(self._ids), spec)
        self.active.append(fault)
        return fault

    def add_all(self, specs: list[WsFaultIn]) -> list[Fault]:
        return [self.add(spec) for spec in specs]

    def remove(self, fault_id: int) -> bool:
        kept = [f for f in self.active if f.fault_id != fault_id]
        found = len(kept) != len(self.active)
        self.active = kept
        return found

    def clear(self) -> None:
        self.active = []

    def take(self, conn: Any, channel: str, kind: str, with_seq: bool) -> WsFaultIn | None:
        """The fault to apply to this message, if one is due; counts it."""
        for fault in self.active:
            if not fault.matches(conn, channel, kind, with_seq):
                continue
            fault.seen += 1
            if fault.seen <= fault.spec.after:
                return None
            fault.applied += 1
            if fault.spec.count and fault.applied >= fault.spec.count:
                self.active = [f for f in self.active if f is not fault]  # spent
            return fault.spec
        return None


def send(spec: WsFaultIn, sub: Any, frame: Any, with_seq: bool) -> int:
    """Sends one message of `sub` as the fault `spec` says; `frame(seq)` renders it.
    Returns how many copies were queued."""
    conn = sub.conn
    kind = spec.kind
    if kind == "disconnect":
        conn.abort()
        return 0
    if kind == "overflow":
        conn.overflow()
        return 0
    if kind == "skip_seq":
        sub.next_seq()
    seq = sub.next_seq() if with_seq else None
    if kind == "drop":
        return 0
    text = frame(seq)
    if kind == "delay":
        assert spec.delay_ms is not None  # WsFaultIn checks it
        conn.push(Delayed(text, spec.delay_ms / 1000))
        return 1
    conn.push(text)
    if kind == "duplicate":
        conn.push(text)
        return 2
    return 1


class Delayed(str):
    """A queued message the connection's writer holds `delay_s` seconds before sending."""

    delay_s: float

    def __new__(cls, text: str, delay_s: float) -> Delayed:
        item = super().__new__(cls, text)
        item.delay_s = delay_s
        return item
