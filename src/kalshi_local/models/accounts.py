"""Response and request shapes of the account, API-key and portfolio-cash operations (openapi.yaml)."""

from __future__ import annotations

import msgspec


class _Out(msgspec.Struct, omit_defaults=True):
    pass


class _In(msgspec.Struct, kw_only=True):  # unknown fields are ignored, as newer clients may send more
    pass


class BucketLimit(_Out):
    refill_rate: int
    bucket_capacity: int


class AccountLimits(_Out):
    usage_tier: str
    read: BucketLimit
    write: BucketLimit
    grants: list[dict]  # temporary usage-level grants: there are none here, but clients require the list


class EndpointTokenCost(_Out):
    method: str
    path: str
    cost: int


class EndpointCosts(_Out):
    default_cost: int
    endpoint_costs: list[EndpointTokenCost]


class ApiKey(_Out):
    api_key_id: str
    name: str
    scopes: list[str]


class CreateApiKeyRequest(_In):
    name: str
    public_key: str
    scopes: list[str] | None = None


class GenerateApiKeyRequest(_In):
    name: str
    scopes: list[str] | None = None


class Balance(_Out):
    balance: int  # cents
    balance_dollars: str  # the same balance, exact (2 decimals, 6 when there are fractions of a cent)
    portfolio_value: int  # cents
    updated_ts: int  # seconds


class Transfer(_Out):
    """A Deposit or a Withdrawal: the two share every field."""

    id: str
    status: str
    type: str
    amount_cents: int
    fee_cents: int
    created_ts: int
    finalized_ts: int | None = None
