"""Encoded JSON of catalog objects, cached under keys that fully determine it.

Rendering a row costs microseconds per field (a Market has some 75), which is
most of the cost of a list page. Tables whose rows are served this way carry a
`version` that every write of the row bumps; a key holds the row's seq and
version plus whatever else the JSON depends on (a market's shown status and
its series category). An entry is exact for as long as its key is asked for:
nothing is invalidated, old keys just stop being asked for and age out.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

import msgspec
from msgspec import Raw


class JsonCache:
    def __init__(self, max_entries: int = 50_000) -> None:
        self._entries: dict[Hashable, Raw] = {}
        self._max = max_entries
        self._encode = msgspec.json.Encoder().encode

    def render(
        self,
        refs: Sequence[Any],
        key: Callable[[Any], Hashable],
        fetch: Callable[[list[int]], Iterable[Any]],
        make: Callable[[Any, Any], msgspec.Struct],
    ) -> list[Raw | None]:
        """JSON for each reference (a row with at least `seq`), aligned with `refs`.

        Misses are fetched in one call (`fetch(seqs)` gives whole rows) and built
        with `make(row, ref)`; a row deleted in the meantime gives None.
        """
        keys = [key(ref) for ref in refs]
        found = [self._entries.get(k) for k in keys]
        missing = {ref.seq: (k, ref) for ref, k, raw in zip(refs, keys, found, strict=True) if raw is None}
        if not missing:
            return found
        for row in fetch(list(missing)):
            k, ref = missing[row.seq]
            self._entries[k] = Raw(self._encode(make(row, ref)))
        self._trim()
        return [raw if raw is not None else self._entries.get(k) for k, raw in zip(keys, found, strict=True)]

    def _trim(self) -> None:
        excess = len(self._entries) - self._max
        if excess > 0:
            for k in list(itertools.islice(self._entries, excess + self._max // 10)):
                del self._entries[k]
