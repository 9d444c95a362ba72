"""What a position is paid when its market settles (getting_started/market_settlement.md,
fee_rounding.md "Settlement Rounding").

Units: counts in 0.01 contracts, prices in $0.0001, money (Amount) in $0.000001, so a
count times a price is an Amount. Yes holders get `value` per contract and no holders
`1 - value` ($1 / $0 for a yes or no result, pro rata for a scalar one); a void market
pays every holder back the cost of what they hold. The posted payout is rounded down
to the cent and the remainder is a settlement fee, always under a cent.
"""

from __future__ import annotations

from dataclasses import dataclass

from .fees import CENT

PRICE_ONE = 10_000  # $1 in Price units


@dataclass(frozen=True, slots=True)
class Settlement:
    """One account's settlement in one market: what GET /portfolio/settlements lists.

    `market_result` is yes, no, scalar or void. Counts are Count units; costs, `revenue`
    (the cash credited, whole cents), `settlement_fee` (the rounding remainder) and
    `fee_cost` (trading fees paid in the market plus the settlement fee) are Amounts;
    `value` is what one YES contract paid (Price), None for a void market."""

    seq: int
    user_seq: int
    subaccount: int
    ticker: str
    event_ticker: str
    market_result: str
    yes_count: int
    yes_total_cost: int
    no_count: int
    no_total_cost: int
    revenue: int
    settlement_fee: int
    fee_cost: int
    value: int | None
    settled_us: int


def yes_value(result: str, settlement_value: int | None) -> int:
    """What one YES contract pays (Price): $1 on yes, 0 on no, the settlement value on scalar."""
    if result == "yes":
        return PRICE_ONE
    if result == "no":
        return 0
    if result == "scalar" and settlement_value is not None and 0 <= settlement_value <= PRICE_ONE:
        return settlement_value
    raise ValueError(f"no payout for result {result!r} with settlement value {settlement_value!r}")


def raw_payout(position: int, value: int) -> int:
    """The pre-rounding payout (Amount) of a signed position (> 0 YES) at YES value `value`."""
    if position >= 0:
        return position * value
    return -position * (PRICE_ONE - value)


def posted(raw: int) -> tuple[int, int]:
    """(credited, settlement fee): `raw` (Amount, >= 0) rounded down to the cent, and the rest."""
    credited = raw - raw % CENT
    return credited, raw - credited
