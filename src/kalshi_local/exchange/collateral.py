"""Closing capacity handed out oldest first, kept up to date in time proportional to what moves.

portfolio.py states the rule: of one user's resting orders on one side of one market, taken in
time priority, the first ones close the opposite position (`closable`, raw Count) and lock no
collateral for that part. So at any moment the orders split at a frontier: every order before it
closes all of its remaining count, the frontier order closes what capacity is left, and every
later order closes nothing. A `Ladder` keeps those orders in a linked list, oldest first, with
the frontier and the count and value before it. A change to the position or to one order moves
the frontier only across the orders whose closing share changes, and the venue re-locks just
those: each command costs O(1) plus the orders it really changes, never a pass over all of them.
"""

from __future__ import annotations

from collections.abc import Iterator

from .orders import Order

_NONE: frozenset[int] = frozenset()  # no order removed (the usual case: spares building a set per call)


class Rung:
    """One resting order in its ladder. `count` is the remaining count the ladder last saw
    (raw Count), `unit` what one raw count locks when it does not close (raw price units)."""

    __slots__ = ("order", "seq", "count", "unit", "prev", "next", "ladder")

    def __init__(self, order: Order, unit: int, ladder: Ladder) -> None:
        self.order = order
        self.seq = order.seq
        self.count = order.remaining_count
        self.unit = unit
        self.prev: Rung | None = None
        self.next: Rung | None = None
        self.ladder = ladder


class Ladder:
    """One user's resting orders on one book side of one market, oldest first.

    `frontier` is the first order that does not close all of its count (None: every order
    does); `covered` is the count of the orders before it and `credit` their value at `unit`
    (what closing spares them). Between commands, after `settle`: covered <= closable and
    covered + frontier.count > closable."""

    __slots__ = ("head", "tail", "frontier", "covered", "credit", "closable", "size", "contracts")

    def __init__(self) -> None:
        self.head: Rung | None = None
        self.tail: Rung | None = None
        self.frontier: Rung | None = None
        self.covered = 0
        self.credit = 0
        self.closable = 0
        self.size = 0  # orders
        self.contracts = 0  # their remaining counts, summed

    # --- changes (the frontier is put right by the next settle) ---

    def append(self, rung: Rung) -> None:
        """Add the newest order at the back."""
        tail = self.tail
        rung.prev = tail
        if tail is None:
            self.head = rung
        else:
            tail.next = rung
        self.tail = rung
        self.size += 1
        self.contracts += rung.count
        if self.frontier is None:  # every older order closes all: the new one is at the frontier
            self.frontier = rung

    def extend(self, rungs: list[Rung]) -> None:
        """Add orders at the back, oldest first, as that many append() calls would."""
        if not rungs:
            return
        before = self.tail
        for rung in rungs:
            rung.prev = before
            if before is not None:
                before.next = rung
            before = rung
        if self.head is None:
            self.head = rungs[0]
        self.tail = before
        self.size += len(rungs)
        self.contracts += sum(rung.count for rung in rungs)
        if self.frontier is None:
            self.frontier = rungs[0]

    def remove(self, rung: Rung) -> None:
        """Take an order out (it left the book)."""
        frontier = self.frontier
        if rung is frontier:
            self.frontier = rung.next
        elif frontier is None or rung.seq < frontier.seq:
            self.covered -= rung.count
            self.credit -= rung.unit * rung.count
        before, after = rung.prev, rung.next
        if before is None:
            self.head = after
        else:
            before.next = after
        if after is None:
            self.tail = before
        else:
            after.prev = before
        rung.prev = rung.next = None
        self.size -= 1
        self.contracts -= rung.count

    def resize(self, rung: Rung, count: int) -> None:
        """An order's remaining count changed to `count` (> 0)."""
        frontier = self.frontier
        if rung is not frontier and (frontier is None or rung.seq < frontier.seq):
            self.covered += count - rung.count
            self.credit += rung.unit * (count - rung.count)
        self.contracts += count - rung.count
        rung.count = count

    def settle(self, closable: int, moved: list[Rung]) -> None:
        """Move the frontier to where `closable` puts it; appends to `moved` every order whose
        closing count may have changed (the old and new frontier and all between)."""
        rung, covered, credit = self.frontier, self.covered, self.credit
        if rung is not None:
            moved.append(rung)
        while covered > closable:
            rung = self.tail if rung is None else rung.prev
            assert rung is not None  # covered > 0: some order is before the frontier
            covered -= rung.count
            credit -= rung.unit * rung.count
            moved.append(rung)
        while rung is not None and covered + rung.count <= closable:
            covered += rung.count
            credit += rung.unit * rung.count
            rung = rung.next
            if rung is not None:
                moved.append(rung)
        self.frontier, self.covered, self.credit, self.closable = rung, covered, credit, closable

    # --- reads ---

    def closing(self, rung: Rung) -> int:
        """The part of an order's count that closes the position (raw Count), as last settled."""
        frontier = self.frontier
        if frontier is None or rung.seq < frontier.seq:
            return rung.count
        if rung is frontier:
            return self.closable - self.covered
        return 0

    def total_credit(self) -> int:
        """What closing spares all the orders now (raw price units x Count)."""
        frontier = self.frontier
        return self.credit + (frontier.unit * (self.closable - self.covered) if frontier is not None else 0)

    def credit_after(self, closable: int, removed: list[Rung], unit: int = 0, count: int = 0) -> int:
        """`total_credit` if the capacity were `closable`, the `removed` orders (of this ladder)
        gone and a newest order of `count` at `unit` added. Changes nothing."""
        rung, covered, credit = self.frontier, self.covered, self.credit
        gone = {id(r) for r in removed} if removed else _NONE
        for old in removed:
            if old is not rung and (rung is None or old.seq < rung.seq):
                covered -= old.count
                credit -= old.unit * old.count
        while rung is not None and id(rung) in gone:
            rung = rung.next
        while covered > closable:
            rung = self.tail if rung is None else rung.prev
            while rung is not None and id(rung) in gone:
                rung = rung.prev
            assert rung is not None
            covered -= rung.count
            credit -= rung.unit * rung.count
        while rung is not None and covered + rung.count <= closable:
            covered += rung.count
            credit += rung.unit * rung.count
            rung = rung.next
            while rung is not None and id(rung) in gone:
                rung = rung.next
        if rung is not None:
            return credit + rung.unit * (closable - covered)
        return credit + unit * min(count, closable - covered)

    def __iter__(self) -> Iterator[Rung]:
        rung = self.head
        while rung is not None:
            yield rung
            rung = rung.next
