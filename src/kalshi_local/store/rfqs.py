"""RFQ and quote reads: the lists and lookups of /communications, and the venue's rebuild.

Lists are keyset pages on `seq` (newest first, as Kalshi lists them). Quote privacy is the
caller's filter here: a user reads the quotes they made and those on their own RFQs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, or_, select

from ..exchange.combos import Leg
from ..exchange.rfq_events import Quote, Rfq
from ..exchange.rfqs import LIVE
from .cursors import SEQ_MAX, Page, decode_cursor, page_of
from .jsontext import dumps, loads
from .multivariate import legs_json
from .schema import quotes, rfqs

_RFQ_FIELDS = tuple(Rfq.__dataclass_fields__)
_QUOTE_FIELDS = tuple(Quote.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class RfqFilter:
    ticker: str | None = None
    event_ticker: str | None = None
    status: str | None = None
    user_seq: int | None = None  # user_filter=self
    subaccount: int | None = None
    creator_user_id: str | None = None
    creator_seqs: tuple[int, ...] = ()  # whose user id creator_user_id may match: the caller's own


@dataclass(frozen=True, slots=True)
class QuoteFilter:
    ticker: str | None = None
    event_ticker: str | None = None
    status: str | None = None
    rfq_id: str | None = None
    mine: bool = False  # user_filter=self: quotes the caller made
    on_my_rfqs: bool = False  # rfq_user_filter=self: quotes on the caller's RFQs
    # Each matches only where the caller is that party: a counterparty's user id stays private.
    creator_user_id: str | None = None  # quote_creator_user_id
    rfq_creator_user_id: str | None = None


def load(conn: Connection) -> tuple[list[Rfq], list[Quote]]:
    """What the venue keeps: open RFQs, and quotes live or cancelled (until their clean-up)."""
    r, q = rfqs.c, quotes.c
    open_rfqs = conn.execute(select(*(r[n] for n in _RFQ_FIELDS)).where(r.status == "open").order_by(r.seq))
    kept = select(*(q[n] for n in _QUOTE_FIELDS)).where(q.status.in_([*LIVE, "cancelled"])).order_by(q.seq)
    return [_rfq(row) for row in open_rfqs], [Quote(*row) for row in conn.execute(kept)]


def get_rfq(conn: Connection, rfq_id: str) -> Rfq | None:
    r = rfqs.c
    row = conn.execute(select(*(r[n] for n in _RFQ_FIELDS)).where(r.rfq_id == rfq_id)).first()
    return _rfq(row) if row else None


def get_quote(conn: Connection, quote_id: str) -> Quote | None:
    q = quotes.c
    row = conn.execute(select(*(q[n] for n in _QUOTE_FIELDS)).where(q.quote_id == quote_id)).first()
    return Quote(*row) if row else None


def page_rfqs(conn: Connection, flt: RfqFilter, cursor: str | None, limit: int) -> Page[Rfq]:
    """Raises cursors.InvalidCursor."""
    r = rfqs.c
    after = decode_cursor("rfqs", cursor) or SEQ_MAX
    query = select(*(r[n] for n in _RFQ_FIELDS)).where(r.seq < after)
    for column, value in ((r.ticker, flt.ticker), (r.event_ticker, flt.event_ticker), (r.status, flt.status),
                          (r.user_seq, flt.user_seq), (r.subaccount, flt.subaccount)):  # fmt: skip
        if value is not None:
            query = query.where(column == value)
    if flt.creator_user_id is not None:
        query = query.where(r.user_id == flt.creator_user_id, r.user_seq.in_(flt.creator_seqs))
    rows = [_rfq(row) for row in conn.execute(query.order_by(r.seq.desc()).limit(limit + 1))]
    return page_of("rfqs", rows, limit)


def page_quotes(conn: Connection, user_seq: int, flt: QuoteFilter, cursor: str | None, limit: int) -> Page[Quote]:
    """The caller's quotes and those on the caller's RFQs. Raises cursors.InvalidCursor."""
    q = quotes.c
    after = decode_cursor("quotes", cursor) or SEQ_MAX
    query = select(*(q[n] for n in _QUOTE_FIELDS)).where(q.seq < after)
    if flt.mine:
        query = query.where(q.user_seq == user_seq)
    if flt.on_my_rfqs:
        query = query.where(q.rfq_user_seq == user_seq)
    if flt.creator_user_id is not None:
        query = query.where(q.user_id == flt.creator_user_id, q.user_seq == user_seq)
    if flt.rfq_creator_user_id is not None:
        query = query.where(q.rfq_user_id == flt.rfq_creator_user_id, q.rfq_user_seq == user_seq)
    if not flt.mine and not flt.on_my_rfqs:
        query = query.where(or_(q.user_seq == user_seq, q.rfq_user_seq == user_seq))
    for column, value in ((q.ticker, flt.ticker), (q.event_ticker, flt.event_ticker), (q.status, flt.status),
                          (q.rfq_id, flt.rfq_id)):  # fmt: skip
        if value is not None:
            query = query.where(column == value)
    rows = [Quote(*row) for row in conn.execute(query.order_by(q.seq.desc()).limit(limit + 1))]
    return page_of("quotes", rows, limit)


def combo_of(conn: Connection, ticker: str) -> tuple[str, tuple[Leg, ...]]:
    """A combo market's collection ticker and legs; ("", ()) for any other market."""
    from .schema import markets, mve_markets

    m, c = markets.c, mve_markets.c
    query = select(m.mve_collection_ticker, c.legs).select_from(
        markets.outerjoin(mve_markets, c.market_ticker == m.ticker)
    ).where(m.ticker == ticker)
    row = conn.execute(query).first()
    if row is None or not row.mve_collection_ticker:
        return "", ()
    return row.mve_collection_ticker, _legs(row.legs)


def legs_text(legs: tuple[Leg, ...]) -> str | None:
    """The mve_selected_legs column of an RFQ's legs: None for a market that is no combo."""
    return dumps(legs_json(legs)) if legs else None


def _rfq(row) -> Rfq:
    found = Rfq(*row)
    found.mve_selected_legs = _legs(row.mve_selected_legs)
    return found


def _legs(text: str | None) -> tuple[Leg, ...]:
    return tuple(Leg(leg["market_ticker"], leg["event_ticker"], leg["side"]) for leg in (loads(text) if text else ()))
