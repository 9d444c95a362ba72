"""Rate-limit tiers and token buckets (getting_started/rate_limits.md).

Every authenticated request spends tokens from one of two buckets per user, read or write. A bucket
refills continuously at its tier's per-second budget up to its capacity; a request that the bucket
cannot cover is refused (HTTP 429) and costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

TIERS = ("basic", "advanced", "premier", "paragon", "prime")

Bucket = Literal["read", "write"]
BUCKETS: tuple[Bucket, ...] = ("read", "write")


@dataclass(frozen=True, slots=True)
class BucketLimit:
    refill_rate: int  # tokens per second
    bucket_capacity: int  # tokens


_BUDGETS = {  # tier: (read, write) tokens per second
    "basic": (200, 100),
    "advanced": (300, 300),
    "premier": (1000, 1000),
    "paragon": (2000, 2000),
    "prime": (4000, 4000),
}


def limits_of(tier: str) -> tuple[BucketLimit, BucketLimit]:
    """The (read, write) limits of `tier`. The write bucket holds two seconds of budget, basic's one."""
    try:
        read, write = _BUDGETS[tier]
    except KeyError:
        raise ValueError(f"unknown rate-limit tier {tier!r}; expected one of {', '.join(TIERS)}") from None
    write_seconds = 1 if tier == "basic" else 2
    return BucketLimit(read, read), BucketLimit(write, write * write_seconds)


# --- costs -------------------------------------------------------------------------------------------

DEFAULT_COST = 10

Basis = Literal["per-request", "per-batch-item"]


@dataclass(frozen=True, slots=True)
class TokenCost:
    tokens: int
    basis: Basis


@dataclass(frozen=True, slots=True)
class EndpointCost:
    method: str
    path: str
    cost: int


# Mirrors the spec's x-token-cost entries; tests/auth/test_ratelimit.py keeps the two equal.
TOKEN_COSTS: MappingProxyType[tuple[str, str], TokenCost] = MappingProxyType({
    ("POST", "/communications/quotes"): TokenCost(2, "per-request"),
    ("DELETE", "/communications/quotes/{quote_id}"): TokenCost(2, "per-request"),
    ("PUT", "/multivariate_event_collections/{collection_ticker}/lookup"): TokenCost(2, "per-request"),
    ("POST", "/portfolio/events/orders/batched"): TokenCost(10, "per-batch-item"),
    ("DELETE", "/portfolio/events/orders/batched"): TokenCost(2, "per-batch-item"),
    ("POST", "/portfolio/orders/batched"): TokenCost(10, "per-batch-item"),
    ("DELETE", "/portfolio/orders/batched"): TokenCost(2, "per-batch-item"),
    ("GET", "/portfolio/orders/{order_id}"): TokenCost(2, "per-request"),
    ("DELETE", "/portfolio/orders/{order_id}"): TokenCost(2, "per-request"),
})


def max_batch(method: str, path_template: str, tier: str) -> int:
    """Items one batch may hold for `tier`: as many as a full write bucket pays for (orders/
    batch-create-orders.md: "the maximum batch size scales with your tier's write budget";
    rate_limits.md: each item is billed). Basic: 10 creates or 50 cancels; premier: 200 or 1,000."""
    return limits_of(tier)[1].bucket_capacity // cost_of(method, path_template)


def cost_of(method: str, path_template: str, items: int = 1) -> int:
    """Tokens charged for one request; `items` is the batch size, billed per item on batch endpoints."""
    if items < 1:
        raise ValueError(f"items must be at least 1, got {items}")
    entry = TOKEN_COSTS.get((method.upper(), path_template))
    if entry is None:
        return DEFAULT_COST
    if entry.basis == "per-batch-item":
        return entry.tokens * items
    return entry.tokens


def non_default_costs() -> list[EndpointCost]:
    """The table behind GET /account/endpoint_costs, sorted by path then method; batch costs are per item."""
    costs = [EndpointCost(method, path, entry.tokens) for (method, path), entry in TOKEN_COSTS.items()]
    return sorted(costs, key=lambda cost: (cost.path, cost.method))


# --- bucket choice -----------------------------------------------------------------------------------

# Order placement, amends, decreases, cancels, order groups and the RFQ/quote flow.
_WRITE_PREFIXES = (
    "/portfolio/orders",
    "/portfolio/events/orders",
    "/portfolio/order_groups",
    "/communications/rfqs",
    "/communications/quotes",
)
_WRITE_SUBTREES = tuple(prefix + "/" for prefix in _WRITE_PREFIXES)
_READ_METHODS = frozenset({"GET", "HEAD"})


def bucket_of(method: str, path_template: str) -> Bucket:
    """"write" for non-GET requests under the trading and RFQ paths, "read" for everything else."""
    if method.upper() in _READ_METHODS:
        return "read"
    if path_template in _WRITE_PREFIXES or path_template.startswith(_WRITE_SUBTREES):
        return "write"
    return "read"


# --- token buckets -----------------------------------------------------------------------------------

# Levels are kept in nano-tokens so refill over whole nanoseconds stays exact in integers.
_NANO = 1_000_000_000

# (tier, bucket): (refill nano-tokens per ns == tokens per s, capacity in nano-tokens)
_SCALED_LIMITS: dict[tuple[str, str], tuple[int, int]] = {
    (tier, bucket): (limit.refill_rate, limit.bucket_capacity * _NANO)
    for tier in TIERS
    for bucket, limit in zip(BUCKETS, limits_of(tier), strict=True)
}


def _scaled_limit(tier: str, bucket: str) -> tuple[int, int]:
    try:
        return _SCALED_LIMITS[tier, bucket]
    except (KeyError, TypeError):
        if bucket not in BUCKETS:
            raise ValueError(f"unknown rate-limit bucket {bucket!r}; expected read or write") from None
        limits_of(tier)  # raises the ValueError naming the tier
        raise


class TokenBuckets:
    """Read and write buckets for each user (any hashable key). New buckets start full.

    The tier is passed on every call, so a tier change applies from the next request; a level above
    the new capacity is clamped to it then. `now_ns` must never go backwards.
    """

    def __init__(self, now_ns: Callable[[], int] = time.monotonic_ns) -> None:
        self._now_ns = now_ns
        # bucket -> user -> (level in nano-tokens, clock reading it was taken at)
        self._states: dict[str, dict[Hashable, tuple[int, int]]] = {bucket: {} for bucket in BUCKETS}

    def try_spend(self, user: Hashable, tier: str, bucket: Bucket, tokens: int) -> bool:
        """Drains `tokens` and returns True if the bucket holds that many; otherwise drains nothing."""
        rate, capacity = _scaled_limit(tier, bucket)
        if tokens < 1:
            raise ValueError(f"tokens must be at least 1, got {tokens}")
        now = self._now_ns()
        states = self._states[bucket]
        level = self._level_at(states.get(user), rate, capacity, now)
        cost = tokens * _NANO
        if level < cost:
            return False
        states[user] = (level - cost, now)
        return True

    def level(self, user: Hashable, tier: str, bucket: Bucket) -> int:
        """Whole tokens available to `user` now."""
        rate, capacity = _scaled_limit(tier, bucket)
        level = self._level_at(self._states[bucket].get(user), rate, capacity, self._now_ns())
        return level // _NANO

    @staticmethod
    def _level_at(state: tuple[int, int] | None, rate: int, capacity: int, now: int) -> int:
        if state is None:
            return capacity
        level, since = state
        level += rate * (now - since)
        return capacity if level > capacity else level
