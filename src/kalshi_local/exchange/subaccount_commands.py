"""Commands on a member's subaccounts (api-reference/portfolio/*subaccount*.md).

Subaccount 0 is the primary account every member has; numbered ones are 1..32.
Amounts are Amount units ($0.000001).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SUBACCOUNT = 32  # create-subaccount.md: at most 32 per member, numbered from 1


@dataclass(frozen=True, slots=True)
class OpenSubaccount:
    """A new, empty subaccount `subaccount` (1..32) with its netting setting."""

    user_seq: int
    subaccount: int
    netting: bool


@dataclass(frozen=True, slots=True)
class TransferCash:
    """Move `amount` of available cash from one of the member's subaccounts to another.
    `client_transfer_id` makes it idempotent: a second transfer with it moves nothing."""

    user_seq: int
    from_subaccount: int
    to_subaccount: int
    amount: int
    client_transfer_id: str


@dataclass(frozen=True, slots=True)
class SetNetting:
    """Turn netting on or off for one subaccount (exchange/subaccounts.py says what it does)."""

    user_seq: int
    subaccount: int
    enabled: bool


SUBACCOUNT_COMMANDS = (OpenSubaccount, TransferCash, SetNetting)
SubaccountCommand = OpenSubaccount | TransferCash | SetNetting
