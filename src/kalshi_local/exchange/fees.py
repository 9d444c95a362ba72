"""Trading fees and fee rounding (getting_started/fee_rounding.md), in exact integers.

Fee models (the series' `fee_type`, scaled by its `fee_multiplier`):
- `quadratic`: the taker pays 0.07 x C x P x (1 - P) x multiplier; makers pay nothing.
- `quadratic_with_maker_fees`: as quadratic, and the maker pays 0.0175 x C x P x (1 - P) x multiplier.
- `flat`: the spec only points at the "Specific Trading Fees Table" of Kalshi's fee schedule, which
  the docs do not reproduce. Our reading: that table prices the same P x (1 - P) curve with a
  series-specific coefficient, which a series expresses through its fee_multiplier; so `flat` is
  charged like `quadratic` (taker only). A series that wants no fee sets the multiplier to 0.

C is contracts, P the trade price in dollars. Units: prices raw $0.0001, counts raw 0.01 contracts,
amounts raw $0.000001 (exchange/money.py).

Rounding, per fill: the trade fee is rounded up to $0.0001; the balance change
`revenue - trade_fee` is floored to the cent and the difference is the rounding fee; the
rounding fees of one order add up in its accumulator, and whenever the accumulator exceeds
$0.01 one whole cent is rebated and taken off it.

fee_rounding.md also says a fill's net fee (trade fee + rounding fee - rebate) is "always >= $0.00".
Our reading: that holds only when a fill's own fees reach the cent rebated, as in its worked
examples; it cannot hold for every fill. A fill with a non-negative net fee moves cash by at most
its revenue, in whole cents, so each 0.01-contract fill at $0.45 without a fee would cost a full
cent: deferring rebates until a fill's fees absorb them never pays them back on fee-free fills, the
overpayment grows a cent per fill, and no lock short of $1 per contract would cover it. The doc's
rule that the accumulator rebates "once the accumulated rounding exceeds $0.01" (to converge to one
fill's cost) is followed instead: the rebate goes with the fill that crosses the cent even when it
exceeds that fill's fees, so one fill's net fee can be negative while the order's total is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .money import PRICE_SCALE, parse_multiplier

CENTICENT = 100  # $0.0001 in Amount units
CENT = 10_000  # $0.01 in Amount units
FEE_TYPES = ("quadratic", "quadratic_with_maker_fees", "flat")

# fee (Amount) = rate x C x P x (1 - P) x m with C = count/100, P = price/1e4, $1 = 1e6 units:
# 0.07 x count x price x (1e4 - price) x m / (100 x 1e8) x 1e6 = 7 x count x price x (1e4 - price) x m / 1e6.
# Rounded up to $0.0001 (100 units): ceil(7 x ... x m / 1e8).
_TAKER_NUM, _TAKER_DEN = 7, 10**8
_MAKER_NUM, _MAKER_DEN = 7, 4 * 10**8  # 0.0175 = 0.07 / 4


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """A market's fee model: `fee_type` and the multiplier as an exact fraction."""

    fee_type: str
    multiplier_num: int
    multiplier_den: int
    charges_makers: bool = field(init=False, compare=False)  # quadratic_with_maker_fees (read per order)

    def __post_init__(self) -> None:
        object.__setattr__(self, "charges_makers", self.fee_type == "quadratic_with_maker_fees")

    @classmethod
    def parse(cls, fee_type: str, multiplier: str) -> FeeSchedule:
        """Raises ValueError for an unknown fee_type or a multiplier that is not a non-negative decimal."""
        if fee_type not in FEE_TYPES:
            raise ValueError(f"fee_type must be one of {', '.join(FEE_TYPES)}, got {fee_type!r}")
        num, den = parse_multiplier(multiplier)
        return cls(fee_type, num, den)

    def trade_fee(self, count: int, price: int, is_taker: bool) -> int:
        """The trade fee (Amount) of a fill of `count` (raw) at `price` (raw yes price), rounded up to $0.0001."""
        if is_taker:
            num, den = _TAKER_NUM, _TAKER_DEN
        elif self.charges_makers:
            num, den = _MAKER_NUM, _MAKER_DEN
        else:
            return 0
        numerator = num * count * price * (PRICE_SCALE - price) * self.multiplier_num
        centicents = -(-numerator // (den * self.multiplier_den))
        return centicents * CENTICENT

    def maker_fee_bound(self, count: int, price: int) -> int:
        """The most maker trade fees (Amount) that `count` can cost at `price`, however it is split:
        each 0.01-contract lot rounded up on its own (rounding up is subadditive)."""
        if not self.charges_makers or count == 0:
            return 0
        return count * self.trade_fee(1, price, is_taker=False)


class FillFee(NamedTuple):
    """The fee components of one fill (fee_rounding.md's table columns), all Amount.
    `balance_change` is floor(revenue - trade_fee) to the cent, before the rebate;
    `accumulator` is the order's accumulator after this fill's rounding, before the rebate.
    A NamedTuple, not a frozen dataclass: one is made per fill side, and a frozen dataclass
    sets each field through object.__setattr__, several times the cost of the tuple."""

    trade_fee: int
    rounding_fee: int
    accumulator: int
    rebate: int
    balance_change: int

    @property
    def net_fee(self) -> int:
        return self.trade_fee + self.rounding_fee - self.rebate

    @property
    def cash_change(self) -> int:
        """What the balance moves by in all: the balance change plus the rebate."""
        return self.balance_change + self.rebate

    @property
    def accumulator_after(self) -> int:
        return self.accumulator - self.rebate


# The accumulator stays within [0, CENT]: a fill adds less than a cent and a rebate takes one off.
MAX_ACCUMULATED = CENT


def round_fill(revenue: int, trade_fee: int, accumulator: int) -> FillFee:
    """The fee components of a fill with `revenue` (signed Amount, negative for a buyer) and
    `trade_fee` (Amount, already rounded up to $0.0001), given the order's `accumulator` so far."""
    change = revenue - trade_fee
    floored = (change // CENT) * CENT  # toward negative infinity
    rounding = change - floored
    accumulated = accumulator + rounding
    rebate = CENT if accumulated > CENT else 0
    return FillFee(trade_fee, rounding, accumulated, rebate, floored)
