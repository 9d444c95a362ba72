"""Order-group request bodies and responses (/portfolio/order_groups, openapi.yaml's
CreateOrderGroupRequest, UpdateOrderGroupLimitRequest, OrderGroup, GetOrderGroupResponse).

A limit comes as `contracts_limit` (whole contracts) and/or `contracts_limit_fp` (a count
string); when both are given they must match. Counts leave as both too (changelog: the
reads carry `contracts_limit` and `contracts_limit_fp`).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from ..errors import InvalidParameter
from ..exchange.money import Count, count_contracts, count_fp
from .trading_inputs import Decimal, Subaccount, _v1_count

Contracts = Annotated[int, Meta(ge=0, le=2**53)]


class _In(msgspec.Struct, kw_only=True):  # unknown fields are ignored: newer clients send more
    pass


class LimitIn(_In, kw_only=True):
    contracts_limit: Contracts | None = None
    contracts_limit_fp: Decimal | None = None


class CreateOrderGroupIn(LimitIn, kw_only=True):
    subaccount: Subaccount = 0


def limit_of(body: LimitIn) -> int:
    """The limit as a Count; InvalidParameter when neither field is given or they differ."""
    limit = _v1_count(body.contracts_limit, body.contracts_limit_fp, "contracts_limit")
    if limit is None:
        raise InvalidParameter("contracts_limit: give contracts_limit or contracts_limit_fp")
    return limit


class OrderGroupOut(msgspec.Struct, frozen=True):
    id: str
    is_auto_cancel_enabled: bool
    contracts_limit: int
    contracts_limit_fp: str
    subaccount: int


class GetOrderGroupOut(msgspec.Struct, frozen=True):
    is_auto_cancel_enabled: bool
    orders: list[str]
    contracts_limit: int
    contracts_limit_fp: str
    subaccount: int


def group(row: Any) -> OrderGroupOut:
    """A schema.order_groups row as the spec's OrderGroup."""
    return OrderGroupOut(
        row.order_group_id, not row.triggered, count_contracts(row.contracts_limit), count_fp(row.contracts_limit),
        row.subaccount,
    )  # fmt: skip


def group_detail(row: Any, order_ids: list[str]) -> GetOrderGroupOut:
    return GetOrderGroupOut(
        not row.triggered, order_ids, count_contracts(row.contracts_limit), count_fp(row.contracts_limit),
        row.subaccount,
    )  # fmt: skip


__all__ = ["Count", "CreateOrderGroupIn", "LimitIn", "group", "group_detail", "limit_of"]
