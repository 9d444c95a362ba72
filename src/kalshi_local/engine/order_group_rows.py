"""Order-group events to rows, in the batch's transaction (engine/writer.py calls `write`
after its own rows): each group's latest snapshot in the batch is upserted, a deleted group's
row deleted. Fills move no row: a rebuild reads the windows back from the fills."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from ..exchange.events import Event
from ..exchange.order_groups import OrderGroup, OrderGroupChanged

_COLUMNS = (
    "order_group_id", "created_seq", "user_seq", "subaccount", "contracts_limit", "triggered", "reset_seq",
    "created_us", "updated_us",
)  # fmt: skip


def write(conn: Connection, events: Sequence[Event]) -> None:
    latest: dict[str, tuple[int, OrderGroupChanged]] = {}
    for event in events:
        if type(event) is OrderGroupChanged:
            first = latest.get(event.group.order_group_id)
            created = first[0] if first is not None else 0
            if event.event_type == "created":
                created = event.seq
            latest[event.group.order_group_id] = (created, event)
    if not latest:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    gone = [(group_id,) for group_id, (_, e) in latest.items() if e.event_type == "deleted"]
    kept = [_row(created, e.group) for created, e in latest.values() if e.event_type != "deleted"]
    if gone:
        conn.exec_driver_sql(f"DELETE FROM order_groups WHERE order_group_id = {mark}", gone)
    if kept:
        changed = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in ("order_group_id", "created_seq"))
        sql = (
            f"INSERT INTO order_groups ({', '.join(_COLUMNS)}) VALUES ({', '.join([mark] * len(_COLUMNS))})"
            f" ON CONFLICT (order_group_id) DO UPDATE SET {changed}"
        )
        conn.exec_driver_sql(sql, kept)


def _row(created_seq: int, group: OrderGroup) -> tuple:
    return (
        group.order_group_id, created_seq, group.user_seq, group.subaccount, group.contracts_limit, group.triggered,
        group.reset_seq, group.created_us, group.updated_us,
    )  # fmt: skip
