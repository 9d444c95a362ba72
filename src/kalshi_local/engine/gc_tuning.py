"""The cyclic garbage collector as a server runs it.

The venue keeps every resting order as a long-lived object, and each young-generation
collection walks the objects made since the last one: at Python's default threshold
(700 allocations) that is about 40% of the matching core's time
(bench/matching_core.py --default-gc). Collecting the young generation every 50,000
allocations instead keeps memory bounded and costs a few percent.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 20)


def tune() -> None:
    gc.set_threshold(*THRESHOLDS)
