from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalshi_local.auth.ratelimit import (
    DEFAULT_COST,
    TIERS,
    TOKEN_COSTS,
    BucketLimit,
    EndpointCost,
    TokenBuckets,
    TokenCost,
    bucket_of,
    cost_of,
    limits_of,
    non_default_costs,
)

from ..spec import spec

SECOND = 1_000_000_000
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

# tier: (read rate, read capacity, write rate, write capacity)
LIMITS = {
    "basic": (200, 200, 100, 100),
    "advanced": (300, 300, 300, 600),
    "premier": (1000, 1000, 1000, 2000),
    "paragon": (2000, 2000, 2000, 4000),
    "prime": (4000, 4000, 4000, 8000),
}


class FakeClock:
    def __init__(self) -> None:
        self.ns = 1_234_567_890

    def __call__(self) -> int:
        return self.ns

    def advance(self, ns: int) -> None:
        self.ns += ns


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def buckets(clock: FakeClock) -> TokenBuckets:
    return TokenBuckets(now_ns=clock)


def capacity(tier: str, bucket: str) -> int:
    read, write = limits_of(tier)
    return (read if bucket == "read" else write).bucket_capacity


def spec_operations() -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec()["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


# --- limits ------------------------------------------------------------------------------------------


def test_tiers_keep_their_names_and_order():
    assert TIERS == ("basic", "advanced", "premier", "paragon", "prime")


@pytest.mark.parametrize("tier", TIERS)
def test_each_tier_has_the_documented_budgets_and_capacities(tier):
    read_rate, read_capacity, write_rate, write_capacity = LIMITS[tier]
    assert limits_of(tier) == (
        BucketLimit(refill_rate=read_rate, bucket_capacity=read_capacity),
        BucketLimit(refill_rate=write_rate, bucket_capacity=write_capacity),
    )


def test_an_unknown_tier_is_rejected_by_name():
    with pytest.raises(ValueError, match="'platinum'"):
        limits_of("platinum")


# --- costs -------------------------------------------------------------------------------------------


def test_the_cost_table_equals_every_token_cost_in_the_spec():
    in_spec = {
        (method, path): TokenCost(operation["x-token-cost"]["tokens"], operation["x-token-cost"]["basis"])
        for method, path, operation in spec_operations()
        if "x-token-cost" in operation
    }
    assert dict(TOKEN_COSTS) == in_spec


def test_operations_without_a_listed_cost_cost_the_default():
    assert DEFAULT_COST == 10
    assert cost_of("POST", "/portfolio/orders") == 10
    assert cost_of("GET", "/markets") == 10


def test_cheap_single_requests_cost_their_listed_tokens_whatever_the_item_count():
    assert cost_of("DELETE", "/portfolio/orders/{order_id}") == 2
    assert cost_of("GET", "/portfolio/orders/{order_id}", items=5) == 2
    assert cost_of("post", "/communications/quotes") == 2


@pytest.mark.parametrize(
    ("method", "path", "items", "expected"),
    [
        ("POST", "/portfolio/orders/batched", 25, 250),
        ("DELETE", "/portfolio/orders/batched", 25, 50),
        ("POST", "/portfolio/events/orders/batched", 3, 30),
        ("DELETE", "/portfolio/events/orders/batched", 1, 2),
    ],
)
def test_batch_requests_are_billed_per_item(method, path, items, expected):
    assert cost_of(method, path, items) == expected


def test_a_batch_of_no_items_is_rejected():
    with pytest.raises(ValueError, match="items"):
        cost_of("POST", "/portfolio/orders/batched", 0)


def test_non_default_costs_list_every_table_entry_in_path_order():
    assert non_default_costs() == [
        EndpointCost("POST", "/communications/quotes", 2),
        EndpointCost("DELETE", "/communications/quotes/{quote_id}", 2),
        EndpointCost("PUT", "/multivariate_event_collections/{collection_ticker}/lookup", 2),
        EndpointCost("DELETE", "/portfolio/events/orders/batched", 2),
        EndpointCost("POST", "/portfolio/events/orders/batched", 10),
        EndpointCost("DELETE", "/portfolio/orders/batched", 2),
        EndpointCost("POST", "/portfolio/orders/batched", 10),
        EndpointCost("DELETE", "/portfolio/orders/{order_id}", 2),
        EndpointCost("GET", "/portfolio/orders/{order_id}", 2),
    ]


# --- bucket choice -----------------------------------------------------------------------------------

WRITE_OPERATIONS = {
    ("POST", "/communications/quotes"),
    ("DELETE", "/communications/quotes/{quote_id}"),
    ("PUT", "/communications/quotes/{quote_id}/accept"),
    ("PUT", "/communications/quotes/{quote_id}/confirm"),
    ("POST", "/communications/rfqs"),
    ("DELETE", "/communications/rfqs/{rfq_id}"),
    ("POST", "/portfolio/events/orders"),
    ("POST", "/portfolio/events/orders/batched"),
    ("DELETE", "/portfolio/events/orders/batched"),
    ("DELETE", "/portfolio/events/orders/{order_id}"),
    ("POST", "/portfolio/events/orders/{order_id}/amend"),
    ("POST", "/portfolio/events/orders/{order_id}/decrease"),
    ("POST", "/portfolio/order_groups/create"),
    ("DELETE", "/portfolio/order_groups/{order_group_id}"),
    ("PUT", "/portfolio/order_groups/{order_group_id}/limit"),
    ("PUT", "/portfolio/order_groups/{order_group_id}/reset"),
    ("PUT", "/portfolio/order_groups/{order_group_id}/trigger"),
    ("POST", "/portfolio/orders"),
    ("POST", "/portfolio/orders/batched"),
    ("DELETE", "/portfolio/orders/batched"),
    ("DELETE", "/portfolio/orders/{order_id}"),
    ("POST", "/portfolio/orders/{order_id}/amend"),
    ("POST", "/portfolio/orders/{order_id}/decrease"),
}


def test_exactly_the_trading_and_quote_operations_of_the_spec_use_the_write_bucket():
    classified = {(method, path): bucket_of(method, path) for method, path, _ in spec_operations()}
    assert set(classified.values()) == {"read", "write"}
    assert {op for op, bucket in classified.items() if bucket == "write"} == WRITE_OPERATIONS


def test_reads_of_trading_paths_use_the_read_bucket():
    assert bucket_of("GET", "/portfolio/orders") == "read"
    assert bucket_of("HEAD", "/portfolio/orders/{order_id}") == "read"
    assert bucket_of("GET", "/communications/rfqs/{rfq_id}") == "read"


def test_writes_outside_the_trading_paths_use_the_read_bucket():
    assert bucket_of("POST", "/api_keys") == "read"
    assert bucket_of("PUT", "/multivariate_event_collections/{collection_ticker}/lookup") == "read"
    assert bucket_of("POST", "/portfolio/orders_archive") == "read"


def test_methods_are_matched_whatever_their_case():
    assert bucket_of("post", "/portfolio/orders") == "write"


# --- token buckets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("bucket", ["read", "write"])
def test_a_new_bucket_holds_exactly_its_capacity(buckets, tier, bucket):
    full = capacity(tier, bucket)
    assert buckets.level("alice", tier, bucket) == full
    assert buckets.try_spend("alice", tier, bucket, full)
    assert not buckets.try_spend("alice", tier, bucket, 1)


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("bucket", ["read", "write"])
def test_a_request_above_capacity_is_never_allowed(buckets, clock, tier, bucket):
    clock.advance(3600 * SECOND)
    assert not buckets.try_spend("alice", tier, bucket, capacity(tier, bucket) + 1)


def test_examples_from_the_docs_hold():
    assert capacity("basic", "write") == 100
    assert capacity("advanced", "write") == 600
    assert capacity("premier", "read") == 1000


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("bucket", ["read", "write"])
def test_a_drained_bucket_refills_at_its_rate(buckets, clock, tier, bucket):
    read, write = limits_of(tier)
    rate = (read if bucket == "read" else write).refill_rate
    buckets.try_spend("alice", tier, bucket, capacity(tier, bucket))
    clock.advance(SECOND // 2)
    assert buckets.level("alice", tier, bucket) == rate // 2
    clock.advance(SECOND // 2)
    assert buckets.level("alice", tier, bucket) == rate


def test_refill_is_exact_to_the_nanosecond(buckets, clock):
    # Basic reads refill 200 tokens per second: one token every 5 ms.
    assert buckets.try_spend("alice", "basic", "read", 200)
    clock.advance(5_000_000 - 1)
    assert buckets.level("alice", "basic", "read") == 0
    assert not buckets.try_spend("alice", "basic", "read", 1)
    clock.advance(1)
    assert buckets.try_spend("alice", "basic", "read", 1)
    assert not buckets.try_spend("alice", "basic", "read", 1)


def test_a_long_idle_bucket_does_not_fill_above_capacity(buckets, clock):
    buckets.try_spend("alice", "premier", "write", 500)
    clock.advance(10 * 365 * 24 * 3600 * SECOND)
    assert buckets.level("alice", "premier", "write") == 2000
    assert not buckets.try_spend("alice", "premier", "write", 2001)
    assert buckets.try_spend("alice", "premier", "write", 2000)


def test_a_refused_request_drains_nothing(buckets):
    assert buckets.try_spend("alice", "basic", "write", 60)
    assert not buckets.try_spend("alice", "basic", "write", 50)
    assert buckets.level("alice", "basic", "write") == 40
    assert buckets.try_spend("alice", "basic", "write", 40)


def test_read_and_write_buckets_are_independent(buckets):
    assert buckets.try_spend("alice", "advanced", "write", 600)
    assert buckets.level("alice", "advanced", "read") == 300
    assert buckets.try_spend("alice", "advanced", "read", 300)
    assert not buckets.try_spend("alice", "advanced", "read", 1)
    assert not buckets.try_spend("alice", "advanced", "write", 1)


def test_users_are_independent(buckets):
    assert buckets.try_spend("alice", "basic", "write", 100)
    assert buckets.level("bob", "basic", "write") == 100
    assert buckets.try_spend(("bob", 7), "basic", "write", 100)
    assert not buckets.try_spend("alice", "basic", "write", 1)


def test_a_batch_of_25_orders_fits_a_premier_write_bucket_but_not_a_basic_one(buckets):
    batch = cost_of("POST", "/portfolio/orders/batched", 25)
    assert buckets.try_spend("pro", "premier", "write", batch)
    assert buckets.level("pro", "premier", "write") == 2000 - 250
    assert not buckets.try_spend("newcomer", "basic", "write", batch)


def test_a_batch_of_25_cancels_drains_50_tokens(buckets):
    assert buckets.try_spend("alice", "basic", "write", cost_of("DELETE", "/portfolio/orders/batched", 25))
    assert buckets.level("alice", "basic", "write") == 50


def test_an_upgrade_keeps_the_level_and_refills_at_the_new_rate_up_to_the_new_capacity(buckets, clock):
    assert buckets.try_spend("alice", "basic", "write", 100)
    assert buckets.level("alice", "premier", "write") == 0
    clock.advance(SECOND)
    assert buckets.level("alice", "premier", "write") == 1000
    clock.advance(5 * SECOND)
    assert buckets.try_spend("alice", "premier", "write", 2000)


def test_a_downgrade_clamps_the_level_to_the_new_capacity(buckets, clock):
    assert buckets.level("alice", "prime", "write") == 8000
    assert not buckets.try_spend("alice", "basic", "write", 101)
    assert buckets.try_spend("alice", "basic", "write", 100)
    clock.advance(SECOND // 10)
    assert buckets.level("alice", "basic", "write") == 10


def test_an_unknown_tier_or_bucket_is_rejected(buckets):
    with pytest.raises(ValueError, match="'gold'"):
        buckets.try_spend("alice", "gold", "read", 1)
    with pytest.raises(ValueError, match="'trade'"):
        buckets.level("alice", "basic", "trade")


def test_a_spend_of_no_tokens_is_rejected(buckets):
    with pytest.raises(ValueError, match="tokens"):
        buckets.try_spend("alice", "basic", "read", 0)


def test_the_default_clock_is_monotonic_time():
    assert TokenBuckets().try_spend("alice", "basic", "read", 200)


OPERATIONS = st.lists(
    st.tuples(st.integers(0, 3 * SECOND), st.integers(1, 9000)),
    max_size=60,
)


@given(tier=st.sampled_from(TIERS), bucket=st.sampled_from(["read", "write"]), operations=OPERATIONS)
def test_grants_never_exceed_capacity_plus_refill_and_the_level_stays_in_range(tier, bucket, operations):
    clock = FakeClock()
    buckets = TokenBuckets(now_ns=clock)
    read, write = limits_of(tier)
    limit = read if bucket == "read" else write
    granted = elapsed = 0
    for advance, tokens in operations:
        clock.advance(advance)
        elapsed += advance
        before = buckets.level("alice", tier, bucket)
        allowed = buckets.try_spend("alice", tier, bucket, tokens)
        after = buckets.level("alice", tier, bucket)
        assert allowed == (before >= tokens)
        assert after == (before - tokens if allowed else before)
        assert 0 <= after <= limit.bucket_capacity
        granted += tokens if allowed else 0
        assert granted * SECOND <= limit.bucket_capacity * SECOND + limit.refill_rate * elapsed
