"""Opaque keyset cursors.

A cursor names the last `seq` a page returned and the list it belongs to, so
a cursor from /markets is refused by /milestones. Lists never use OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Row = TypeVar("Row")

SEQ_MAX = 2**63 - 1  # a BIGINT
_SEQ = re.compile(r"[0-9]{1,19}")
_MAX_CURSOR_CHARS = 200


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Page(Generic[Row]):
    rows: Sequence[Row]
    cursor: str  # "" after the last page


def encode_cursor(kind: str, seq: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{seq}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> int:
    """The `seq` after which the next page starts (0 for the first page).

    Raises InvalidCursor unless the cursor is urlsafe base64 of `kind:seq` with
    `seq` ASCII digits in 0..2**63-1.
    """
    if not cursor:
        return 0
    shown = cursor if len(cursor) <= 60 else cursor[:60] + "..."
    invalid = InvalidCursor(f"cursor {shown!r} is not a valid cursor")
    if len(cursor) > _MAX_CURSOR_CHARS:
        raise invalid
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid from None
    found_kind, colon, seq = text.partition(":")
    if not colon or not _SEQ.fullmatch(seq) or int(seq) > SEQ_MAX:
        raise invalid
    if found_kind != kind:
        raise InvalidCursor(f"cursor {shown!r} does not belong to this list")
    return int(seq)


def tier_kind(kind: str, tier) -> str:
    """The cursor kind of a list's side of the historical cutoff (an exchange.historical.Tier, or
    None for both): a historical list's cursors are its own, so a live one is refused there."""
    return f"historical_{kind}" if tier is not None and tier.historical else kind


def page_of(kind: str, rows: Sequence, limit: int) -> Page:
    """Rows were fetched with LIMIT limit+1: the extra one says whether more exist."""
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(kind, rows[-1].seq))
    return Page(rows, "")
