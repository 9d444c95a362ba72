"""RFQ and quote events to rows, in the batch's transaction (engine/writer.py calls `write`).

Each RFQ and quote changed in the batch is upserted once with its latest snapshot; a quote
whose latest change is its 14-day clean-up (`deleted`) is deleted instead. Order flow: no
cache scope moves (store/changes.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from sqlalchemy import Connection

from ..exchange.events import Event
from ..exchange.rfq_events import Quote, QuoteChanged, Rfq, RfqChanged
from ..store.rfqs import legs_text
from ..store.schema import quotes, rfqs

_RFQ_COLUMNS = tuple(c.name for c in rfqs.c)
_QUOTE_COLUMNS = tuple(c.name for c in quotes.c)
_RFQ_VALUES = attrgetter(*_RFQ_COLUMNS)
_LEGS_AT = _RFQ_COLUMNS.index("mve_selected_legs")
_QUOTE_ROW = attrgetter(*_QUOTE_COLUMNS)


def write(conn: Connection, events: Sequence[Event]) -> None:
    changed_rfqs: dict[str, Rfq] = {}
    changed_quotes: dict[str, tuple[Quote, str]] = {}
    for event in events:
        if isinstance(event, RfqChanged):
            changed_rfqs[event.rfq.rfq_id] = event.rfq
        elif isinstance(event, QuoteChanged):
            changed_quotes[event.quote.quote_id] = (event.quote, event.kind)
    if not changed_rfqs and not changed_quotes:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    if changed_rfqs:
        rows = [_rfq_row(r) for r in changed_rfqs.values()]
        conn.exec_driver_sql(_upsert("rfqs", _RFQ_COLUMNS, "rfq_id", mark), rows)
    kept = [_QUOTE_ROW(q) for q, kind in changed_quotes.values() if kind != "deleted"]
    gone = [(q.quote_id,) for q, kind in changed_quotes.values() if kind == "deleted"]
    if kept:
        conn.exec_driver_sql(_upsert("quotes", _QUOTE_COLUMNS, "quote_id", mark), kept)
    if gone:
        conn.exec_driver_sql(f"DELETE FROM quotes WHERE quote_id = {mark}", gone)


def _rfq_row(rfq: Rfq) -> tuple:
    row = list(_RFQ_VALUES(rfq))
    row[_LEGS_AT] = legs_text(rfq.mve_selected_legs)  # stored as JSON text
    return tuple(row)


def _upsert(table: str, columns: tuple[str, ...], key: str, mark: str) -> str:
    values = ", ".join([mark] * len(columns))
    changed = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in (key, "seq"))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values}) ON CONFLICT ({key}) DO UPDATE SET {changed}"
