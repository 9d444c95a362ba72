"""Fixed-point money and contract counts.

Units: a Price is an integer number of $0.0001 (0 to $1), a Count an integer number of
0.01 contracts (never negative), an Amount an integer number of $0.000001 (signed). This module is the
only place that parses or formats them; nothing here touches a float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PRICE_SCALE = 10_000  # $0.0001
COUNT_SCALE = 100  # 0.01 contracts
AMOUNT_SCALE = 1_000_000  # $0.000001

_DECIMAL = re.compile(r"^(-?)([0-9]+)(?:\.([0-9]*))?$")  # ASCII digits only
_MAX_TEXT = 64  # longer text cannot be a value that fits
RAW_MAX = 2**63 - 1  # every raw value fits a BIGINT


def _parse_fixed(text: str, places: int, what: str) -> int:
    """Parse a decimal string into an integer of 10**-places units, exactly.

    Raises ValueError for anything but ASCII digits with an optional `-` and
    point, for extra non-zero places, and for a raw value beyond +-RAW_MAX.
    """
    if not isinstance(text, str) or len(text) > _MAX_TEXT:
        raise ValueError(f"{what} must be a decimal string, got {str(text)[:_MAX_TEXT]!r}")
    match = _DECIMAL.match(text.strip())
    if not match:
        raise ValueError(f"{what} must be a decimal string, got {text!r}")
    sign, whole, frac = match.group(1), match.group(2), match.group(3) or ""
    if len(frac) > places:
        if frac[places:].strip("0"):
            raise ValueError(f"{what} has more than {places} decimal places: {text!r}")
        frac = frac[:places]
    value = int(whole) * 10**places + int(frac.ljust(places, "0") or 0)
    if value > RAW_MAX:
        raise ValueError(f"{what} is out of range: {text!r}")
    return -value if sign else value


def _format_fixed(value: int, places: int) -> str:
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


def _toward_zero(raw: int, unit: int) -> int:
    whole = abs(raw) // unit
    return -whole if raw < 0 else whole


# Catalog pages render tens of prices per row: a price has only 10,001 valid
# values, so their strings are made once.
_DOLLAR_STRINGS = tuple(_format_fixed(raw, 4) for raw in range(PRICE_SCALE + 1))


def price_dollars(raw: int) -> str:
    """A raw Price as `"0.1200"`."""
    return _DOLLAR_STRINGS[raw] if 0 <= raw <= PRICE_SCALE else _format_fixed(raw, 4)


def dollars_raw(text: str) -> int:
    """Dollar text as raw $0.0001 units, not bounded to a price's range: for inputs
    that check the range themselves to name the field. Raises ValueError."""
    return _parse_fixed(text, 4, "price")


def price_cents(raw: int) -> int:
    """A raw Price as legacy integer cents, rounded toward zero."""
    return _toward_zero(raw, 100)


def count_fp(raw: int) -> str:
    """A raw Count as `"10.00"`."""
    return _format_fixed(raw, 2)


def count_contracts(raw: int) -> int:
    """A raw Count as legacy whole contracts, rounded toward zero."""
    return _toward_zero(raw, COUNT_SCALE)


@dataclass(frozen=True, order=True, slots=True)
class Price:
    """A price per contract in units of $0.0001: from $0 to $1 inclusive.

    Raises ValueError for a raw value outside [0, PRICE_SCALE] or not an int.
    """

    raw: int

    def __post_init__(self) -> None:
        if type(self.raw) is not int or not 0 <= self.raw <= PRICE_SCALE:
            raise ValueError(f"a price must be an integer from 0 to {PRICE_SCALE} units of $0.0001, got {self.raw!r}")

    @classmethod
    def from_dollars(cls, text: str) -> Price:
        return cls(_parse_fixed(text, 4, "price"))

    @classmethod
    def from_cents(cls, cents: int) -> Price:
        return cls(cents * 100)

    def to_dollars(self) -> str:
        return price_dollars(self.raw)

    def to_cents(self) -> int:
        """Legacy integer cents, rounded toward zero."""
        return price_cents(self.raw)

    def complement(self) -> Price:
        """1 - p: the price of the other outcome."""
        return Price(PRICE_SCALE - self.raw)

    def __add__(self, other: Price) -> Price:
        if not isinstance(other, Price):
            return NotImplemented
        return Price(self.raw + other.raw)

    def __sub__(self, other: Price) -> Price:
        if not isinstance(other, Price):
            return NotImplemented
        return Price(self.raw - other.raw)

    def __mul__(self, count: Count) -> Amount:
        if not isinstance(count, Count):
            return NotImplemented
        # $1e-4 * 1e-2 contracts = $1e-6: the product is already in Amount units.
        return Amount(self.raw * count.raw)


@dataclass(frozen=True, order=True, slots=True)
class Count:
    """A number of contracts in units of 0.01, never negative.

    Raises ValueError for a negative raw value or not an int.
    """

    raw: int

    def __post_init__(self) -> None:
        if type(self.raw) is not int or self.raw < 0:
            raise ValueError(f"a count must be a non-negative integer of 0.01 contracts, got {self.raw!r}")

    @classmethod
    def from_fp(cls, text: str) -> Count:
        return cls(_parse_fixed(text, 2, "count"))

    @classmethod
    def from_contracts(cls, contracts: int) -> Count:
        return cls(contracts * COUNT_SCALE)

    def to_fp(self) -> str:
        return count_fp(self.raw)

    def to_contracts(self) -> int:
        """Legacy whole contracts, rounded toward zero."""
        return count_contracts(self.raw)

    def __add__(self, other: Count) -> Count:
        if not isinstance(other, Count):
            return NotImplemented
        return Count(self.raw + other.raw)

    def __sub__(self, other: Count) -> Count:
        """Raises ValueError when `other` is larger (a count cannot go negative)."""
        if not isinstance(other, Count):
            return NotImplemented
        return Count(self.raw - other.raw)


@dataclass(frozen=True, order=True, slots=True)
class Amount:
    """An amount of money in units of $0.000001."""

    raw: int

    @classmethod
    def from_dollars(cls, text: str) -> Amount:
        return cls(_parse_fixed(text, 6, "amount"))

    @classmethod
    def from_cents(cls, cents: int) -> Amount:
        return cls(cents * 10_000)

    def to_dollars(self, places: int = 4) -> str:
        """Dollars with `places` decimals; refuses to drop non-zero digits."""
        drop = 10 ** (6 - places)
        if self.raw % drop:
            raise ValueError(f"amount {self.raw}e-6 is not representable with {places} places")
        return _format_fixed(self.raw // drop, places)

    def to_dollars_exact(self) -> str:
        """Dollars with 2 decimals, or 6 when fees left fractions of a cent (shown, not rounded)."""
        return self.to_dollars(2 if self.raw % 10_000 == 0 else 6)

    def to_cents(self) -> int:
        """Legacy integer cents, rounded toward zero."""
        return _toward_zero(self.raw, 10_000)

    def __add__(self, other: Amount) -> Amount:
        if not isinstance(other, Amount):
            return NotImplemented
        return Amount(self.raw + other.raw)

    def __sub__(self, other: Amount) -> Amount:
        if not isinstance(other, Amount):
            return NotImplemented
        return Amount(self.raw - other.raw)

    def __neg__(self) -> Amount:
        return Amount(-self.raw)


def parse_multiplier(text: str) -> tuple[int, int]:
    """A fee multiplier's decimal text ("1", "0.5", "1.25") as an exact fraction
    (numerator, denominator), denominator a power of ten. Raises ValueError for
    anything but a non-negative decimal with at most 6 places."""
    raw = _parse_fixed(str(text), 6, "fee_multiplier")
    if raw < 0:
        raise ValueError(f"fee_multiplier must not be negative, got {text!r}")
    return raw, AMOUNT_SCALE


ZERO_PRICE = Price(0)
ZERO_COUNT = Count(0)
ONE_DOLLAR = Price(PRICE_SCALE)
