"""Series: lookups and writes."""

from __future__ import annotations

from sqlalchemy import Connection, Row, select

from ..scenario.shapes import SeriesIn
from .jsontext import dumps
from .schema import series


def get(conn: Connection, ticker: str) -> Row | None:
    return conn.execute(select(series).where(series.c.ticker == ticker)).first()


def upsert(conn: Connection, spec: SeriesIn, now_us: int) -> None:
    values = {
        "frequency": spec.frequency,
        "title": spec.title,
        "category": spec.category,
        "tags": dumps(spec.tags),
        "settlement_sources": dumps(spec.settlement_sources),
        "contract_url": spec.contract_url,
        "contract_terms_url": spec.contract_terms_url,
        "product_metadata": None if spec.product_metadata is None else dumps(spec.product_metadata),
        "fee_type": spec.fee_type,
        "fee_multiplier": dumps(spec.fee_multiplier),
        "additional_prohibitions": dumps(spec.additional_prohibitions),
        "updated_us": now_us,
    }
    if get(conn, spec.ticker) is None:
        conn.execute(series.insert().values(ticker=spec.ticker, **values))
    else:
        conn.execute(series.update().where(series.c.ticker == spec.ticker).values(**values))


def delete(conn: Connection, ticker: str) -> bool:
    return conn.execute(series.delete().where(series.c.ticker == ticker)).rowcount > 0
