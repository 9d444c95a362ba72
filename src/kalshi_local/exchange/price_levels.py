"""Price level structures: which prices a market accepts
(getting_started/fixed_point_migration.md)."""

from __future__ import annotations

from dataclasses import dataclass

from .money import ONE_DOLLAR, Price


@dataclass(frozen=True, slots=True)
class PriceRange:
    start: Price
    end: Price
    step: Price


def _range(start: str, end: str, step: str) -> PriceRange:
    return PriceRange(Price.from_dollars(start), Price.from_dollars(end), Price.from_dollars(step))


PRICE_LEVEL_STRUCTURES: dict[str, tuple[PriceRange, ...]] = {
    "linear_cent": (_range("0.0000", "1.0000", "0.0100"),),
    "tapered_deci_cent": (
        _range("0.0000", "0.1000", "0.0010"),
        _range("0.1000", "0.9000", "0.0100"),
        _range("0.9000", "1.0000", "0.0010"),
    ),
    "deci_cent": (_range("0.0000", "1.0000", "0.0010"),),
}


def price_ranges(structure: str) -> tuple[PriceRange, ...]:
    try:
        return PRICE_LEVEL_STRUCTURES[structure]
    except KeyError:
        raise ValueError(
            f"price_level_structure must be one of {sorted(PRICE_LEVEL_STRUCTURES)}, got {structure!r}"
        ) from None


def tick_size_cents(structure: str) -> int:
    """Legacy `tick_size`: the smallest step in whole cents (at least 1)."""
    smallest = min(rng.step.raw for rng in price_ranges(structure))
    return max(1, smallest // 100)


def _grid(structure: str) -> frozenset[int]:
    return frozenset(
        raw
        for rng in PRICE_LEVEL_STRUCTURES[structure]
        for raw in range(rng.start.raw, rng.end.raw + 1, rng.step.raw)
        if 0 < raw < ONE_DOLLAR.raw
    )


# Orders are priced strictly between $0 and $1: the tradable prices of each structure.
_TRADABLE: dict[str, frozenset[int]] = {name: _grid(name) for name in PRICE_LEVEL_STRUCTURES}


def lowest_price(structure: str) -> int:
    """The cheapest contract on the structure's grid (raw price): the least a whole contract costs."""
    return min(_TRADABLE[structure])


def is_tradable(structure: str, price: int) -> bool:
    """Whether `price` (raw yes price) lies on the structure's grid, strictly between $0 and $1.
    Raises ValueError for an unknown structure."""
    try:
        return price in _TRADABLE[structure]
    except KeyError:
        price_ranges(structure)
        raise
