"""Opaque keyset cursors.

A cursor names the last `seq` a page returned and the list it belongs to, so
a cursor from /markets is refused by /milestones. Lists never use OFFSET.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

Row = TypeVar("Row")


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Page(Generic[Row]):
    rows: Sequence[Row]
    cursor: str  # "" after the last page


def encode_cursor(kind: str, seq: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{seq}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> int:
    """The `seq` after which the next page starts (0 for the first page)."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        found_kind, seq = text.split(":", 1)
        value = int(seq)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursor(f"cursor {cursor!r} is not a valid cursor") from None
    if found_kind != kind or value < 0:
        raise InvalidCursor(f"cursor {cursor!r} does not belong to this list")
    return value


def page_of(kind: str, rows: Sequence, limit: int) -> Page:
    """Rows were fetched with LIMIT limit+1: the extra one says whether more exist."""
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(kind, rows[-1].seq))
    return Page(rows, "")
