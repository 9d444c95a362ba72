"""Forecast percentiles as the Trade API renders them (ForecastPercentilesPoint).

The spec's forecast values are JSON numbers: the exact fractions of exchange/forecasts.py
become floats only here; `formatted_forecast` is the rounded value as a decimal text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..exchange.forecasts import Point


def forecast_point(event_ticker: str, end_ts: int, period: int, points: Sequence[Point]) -> dict[str, Any]:
    return {
        "event_ticker": event_ticker,
        "end_period_ts": end_ts,
        "period_interval": period,
        "percentile_points": [
            {
                "percentile": p.percentile,
                "raw_numerical_forecast": float(p.raw),
                "numerical_forecast": float(p.value),
                "formatted_forecast": _text(p),
            }
            for p in points
        ],
    }


def _text(point: Point) -> str:
    scaled = point.value * 10**point.decimals  # a whole number: the value was rounded to these places
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(int(scaled)), 10**point.decimals)
    return f"{sign}{whole}.{frac:0{point.decimals}d}" if point.decimals else f"{sign}{whole}"
