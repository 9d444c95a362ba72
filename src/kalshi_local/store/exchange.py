"""Exchange-wide state: status, schedule, announcements and fee changes.

Trading hours follow the stored schedule. `standard_hours` are Eastern Time
sessions ("HH:MM", "24:00" is the end of the day); with no weekly schedule
stored the exchange is open around the clock. Inside a maintenance window
trading pauses (docs: getting_started/maintenance_and_pauses.md) and the
window's end is the estimated resume time (a stored one wins). Announcements
show once their delivery time has come, so a scenario can schedule them. A fee
change is written to its series when applied: by the engine at its scheduled
time (exchange/fee_changes.py), at once when written or found already due.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from sqlalchemy import Connection, Row, bindparam, select

from ..exchange import hours
from ..exchange.clock import parse_datetime
from ..exchange.hours import DAYS
from ..models.inputs import (
    AnnouncementIn,
    DailyScheduleIn,
    ExchangeIn,
    FeeChangeIn,
    WeeklyScheduleIn,
    decimal_text,
)
from . import rows, schema
from .jsontext import dumps, loads
from .schema import announcements, exchange_state, fee_changes, series
from .statements import StatementCache

_STATE_KEY = "exchange"

# Served when no weekly schedule is stored: every day, all day.
ALWAYS_OPEN = WeeklyScheduleIn(
    start_time="1970-01-01T00:00:00Z",
    end_time="9999-12-31T23:59:59Z",
    **{day: [DailyScheduleIn(open_time="00:00", close_time="24:00")] for day in DAYS},
)


# GET /exchange/status reads the state on every call: the query is compiled once,
# and the parsed state is kept while its text is unchanged.
_STATE: StatementCache[None] = StatementCache(
    lambda _: select(exchange_state.c.value).where(exchange_state.c.key == bindparam("key"))
)
_parsed: dict[str, ExchangeIn] = {}


def state(conn: Connection) -> ExchangeIn:
    rows = _STATE.all(conn, None, {"key": _STATE_KEY})
    if not rows:
        return ExchangeIn()
    text = rows[0].value
    found = _parsed.get(text)
    if found is None:
        _parsed.clear()
        found = _parsed[text] = msgspec.convert(loads(text), ExchangeIn)
    return found


def set_state(conn: Connection, spec: ExchangeIn) -> None:
    rows.upsert(conn, exchange_state, ["key"], {"key": _STATE_KEY, "value": dumps(spec)})


def status(conn: Connection, now_us: int) -> hours.Status:
    return hours.status_of(state(conn), now_us)


def schedule(conn: Connection) -> ExchangeIn:
    """The stored state, with the always-open week when no weekly schedule is stored."""
    current = state(conn)
    if current.standard_hours:
        return current
    return msgspec.structs.replace(current, standard_hours=[ALWAYS_OPEN])


def list_announcements(conn: Connection, now_us: int) -> Sequence[Row]:
    """Delivered announcements (delivery time reached), newest first."""
    a = announcements.c
    query = select(announcements).where(a.delivery_us <= now_us).order_by(a.delivery_us.desc(), a.seq)
    return conn.execute(query).all()


def all_announcements(conn: Connection) -> Sequence[Row]:
    """Every announcement, delivered or not, in the order they were added (admin API)."""
    return conn.execute(select(announcements).order_by(announcements.c.seq)).all()


def add_announcement(conn: Connection, spec: AnnouncementIn) -> int:
    """Adds an announcement, or updates the one with the same message and delivery time
    (so loading a scenario twice does not repeat it). Returns its id (`seq`)."""
    values = {
        "message": spec.message,
        "delivery_us": parse_datetime(spec.delivery_time),
        "type": spec.type,
        "status": spec.status,
    }
    key = schema.announcement_key(conn.dialect.name)
    keep = ("message", "delivery_us")
    written = rows.upsert(conn, announcements, key, values, keep=keep, returning=[announcements.c.seq])
    assert written is not None  # without `where` the upsert always writes, so RETURNING gives the row
    return written.seq


def update_announcement(conn: Connection, seq: int, spec: AnnouncementIn) -> bool:
    """False when there is no such announcement. Giving it the message and delivery
    time of another one breaks the unique key (IntegrityError: a conflict)."""
    values = {
        "type": spec.type,
        "message": spec.message,
        "delivery_us": parse_datetime(spec.delivery_time),
        "status": spec.status,
    }
    return conn.execute(announcements.update().where(announcements.c.seq == seq).values(**values)).rowcount > 0


def delete_announcement(conn: Connection, seq: int) -> bool:
    return conn.execute(announcements.delete().where(announcements.c.seq == seq)).rowcount > 0


def list_fee_changes(conn: Connection, series_ticker: str | None, since_us: int | None) -> Sequence[Row]:
    query = select(fee_changes).order_by(fee_changes.c.scheduled_us, fee_changes.c.seq)
    if series_ticker is not None:
        query = query.where(fee_changes.c.series_ticker == series_ticker)
    if since_us is not None:
        query = query.where(fee_changes.c.scheduled_us >= since_us)
    return conn.execute(query).all()


def upsert_fee_change(conn: Connection, spec: FeeChangeIn, now_us: int) -> None:
    """Writes a fee change as still to come; one whose time is already past applies at once."""
    assert spec.scheduled_ts is not None  # FeeChangeIn sets it
    scheduled_us = parse_datetime(spec.scheduled_ts)
    values = {
        "series_ticker": spec.series_ticker,
        "fee_type": spec.fee_type,
        "fee_multiplier": decimal_text(spec.fee_multiplier),
        "scheduled_us": scheduled_us,
        "applied_us": None,
    }
    rows.upsert(conn, fee_changes, ["id"], {"id": spec.id, **values})
    if scheduled_us <= now_us:
        apply_fee_change(conn, spec.id, now_us)


def delete_fee_change(conn: Connection, fee_change_id: str) -> bool:
    """An applied change leaves its fee on the series: only the change itself goes."""
    return conn.execute(fee_changes.delete().where(fee_changes.c.id == fee_change_id)).rowcount > 0


def pending_fee_changes(conn: Connection) -> Sequence[Row]:
    """The fee changes not yet applied, in the order they take effect."""
    f = fee_changes.c
    return conn.execute(select(fee_changes).where(f.applied_us.is_(None)).order_by(f.scheduled_us, f.seq)).all()


def apply_fee_change(conn: Connection, fee_change_id: str, at_us: int) -> bool:
    """The series takes the change's fee_type and fee_multiplier at `at_us` (its last_updated_ts
    moves too) and the change is marked applied. False, changing nothing, when the change is
    gone, already applied or (rewritten meanwhile) not yet due."""
    f = fee_changes.c
    found = conn.execute(
        select(f.series_ticker, f.fee_type, f.fee_multiplier)
        .where(f.id == fee_change_id, f.applied_us.is_(None), f.scheduled_us <= at_us)
        .with_for_update()
    ).first()
    if found is None:
        return False
    conn.execute(
        series.update()
        .where(series.c.ticker == found.series_ticker)
        .values(fee_type=found.fee_type, fee_multiplier=found.fee_multiplier, updated_us=at_us)
    )
    conn.execute(fee_changes.update().where(f.id == fee_change_id).values(applied_us=at_us))
    return True


def apply_due_fee_changes(conn: Connection, now_us: int) -> int:
    """Applies every pending change due by `now_us`, in time order (a server starting after
    their time). Returns how many."""
    due = [row.id for row in pending_fee_changes(conn) if row.scheduled_us <= now_us]
    return sum(apply_fee_change(conn, fee_change_id, now_us) for fee_change_id in due)
