"""Request and response shapes of the subaccount operations (openapi.yaml, tag portfolio)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from ..exchange.subaccount_commands import MAX_SUBACCOUNT
from .trading import EXCHANGE_INDEX

Number = Annotated[int, Meta(ge=0, le=MAX_SUBACCOUNT)]
Cents = Annotated[int, Meta(ge=1, le=100_000_000_000_000)]  # at most $1 trillion, the largest balance


class TransferIn(msgspec.Struct, frozen=True):
    """ApplySubaccountTransferRequest."""

    client_transfer_id: str
    from_subaccount: Number
    to_subaccount: Number
    amount_cents: Cents


class NettingIn(msgspec.Struct, frozen=True):
    """UpdateSubaccountNettingRequest."""

    subaccount_number: Number
    enabled: bool


class SubaccountBalance(msgspec.Struct, frozen=True):
    subaccount_number: int
    balance: str  # FixedPointDollars: cash less what resting orders lock, as GET /portfolio/balance
    updated_ts: int  # unix seconds
    exchange_index: int = EXCHANGE_INDEX  # kalshi-typescript 3.30.0 requires it (COMPAT.md)


class NettingConfig(msgspec.Struct, frozen=True):
    subaccount_number: int
    enabled: bool
    exchange_index: int = EXCHANGE_INDEX  # as SubaccountBalance


class SubaccountTransfer(msgspec.Struct, frozen=True):
    transfer_id: str
    from_subaccount: int
    to_subaccount: int
    amount_cents: int
    created_ts: int  # unix seconds
    exchange_index: int = EXCHANGE_INDEX  # as SubaccountBalance
