"""Exchange-wide state: status, schedule, announcements and fee changes."""

from __future__ import annotations

import msgspec
from sqlalchemy import Connection, Row, select

from ..exchange.clock import parse_datetime
from ..scenario.shapes import AnnouncementIn, ExchangeIn, FeeChangeIn
from .jsontext import dumps, loads
from .schema import announcements, exchange_state, fee_changes

_STATE_KEY = "exchange"


def state(conn: Connection) -> ExchangeIn:
    text = conn.execute(select(exchange_state.c.value).where(exchange_state.c.key == _STATE_KEY)).scalar()
    if text is None:
        return ExchangeIn()
    return msgspec.convert(loads(text), ExchangeIn)


def set_state(conn: Connection, spec: ExchangeIn) -> None:
    conn.execute(exchange_state.delete().where(exchange_state.c.key == _STATE_KEY))
    conn.execute(exchange_state.insert().values(key=_STATE_KEY, value=dumps(spec)))


def list_announcements(conn: Connection) -> list[Row]:
    return conn.execute(select(announcements).order_by(announcements.c.delivery_us.desc(), announcements.c.seq)).all()


def add_announcement(conn: Connection, spec: AnnouncementIn) -> None:
    conn.execute(
        announcements.insert().values(
            type=spec.type, message=spec.message, delivery_us=parse_datetime(spec.delivery_time), status=spec.status
        )
    )


def list_fee_changes(conn: Connection, series_ticker: str | None, since_us: int | None) -> list[Row]:
    query = select(fee_changes).order_by(fee_changes.c.scheduled_us, fee_changes.c.seq)
    if series_ticker is not None:
        query = query.where(fee_changes.c.series_ticker == series_ticker)
    if since_us is not None:
        query = query.where(fee_changes.c.scheduled_us >= since_us)
    return conn.execute(query).all()


def upsert_fee_change(conn: Connection, spec: FeeChangeIn) -> None:
    values = {
        "series_ticker": spec.series_ticker,
        "fee_type": spec.fee_type,
        "fee_multiplier": dumps(spec.fee_multiplier),
        "scheduled_us": parse_datetime(spec.scheduled_time),
    }
    if conn.execute(select(fee_changes.c.seq).where(fee_changes.c.id == spec.id)).first() is None:
        conn.execute(fee_changes.insert().values(id=spec.id, **values))
    else:
        conn.execute(fee_changes.update().where(fee_changes.c.id == spec.id).values(**values))
