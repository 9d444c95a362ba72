"""Two OS processes writing the same keys into one store at the same moment.

`run_pair` starts two spawned processes on one database URL. Before every
iteration both wait at a barrier, then each writes the iteration's keys in its
own transaction, so the two writes really overlap. A worker reports every
exception other than the clean answer to a lost race (see `CLEAN`).
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from kalshi_local.errors import Conflict
from kalshi_local.models.inputs import (
    ApiKeyIn,
    LiveDataIn,
    MilestoneIn,
    SeriesIn,
    StructuredTargetIn,
    UserIn,
)
from kalshi_local.scenario import loader
from kalshi_local.store import (
    accounts,
    db,
    live_data,
    milestones,
    series,
    structured_targets,
)

NOW = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z
BALANCES = ("100", "250")  # what worker 0 and worker 1 set a user's balance to


@dataclass(frozen=True)
class Outcome:
    who: int
    errors: list[str]  # anything but a clean Conflict
    clean: int  # lost races answered with a clean Conflict


def run_pair(url: str, op: str, iterations: int, extra: object = None) -> list[Outcome]:
    """Runs OPS[op] in two processes, `iterations` times each, in lockstep."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(op, url, who, iterations, barrier, results, extra)) for who in (0, 1)
    ]
    for process in workers:
        process.start()
    try:
        outcomes = [results.get(timeout=120) for _ in workers]
    finally:
        for process in workers:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return sorted(outcomes, key=lambda outcome: outcome.who)


def _worker(op: str, url: str, who: int, iterations: int, barrier, results, extra) -> None:
    errors, clean = [], 0
    try:
        engine = db.open_engine(db.database_url(url=url))
        write = OPS[op]
        for i in range(iterations):
            barrier.wait(timeout=60)
            try:
                write(engine, who, i, extra)
            except CLEAN:
                clean += 1
            except Exception as exc:  # noqa: BLE001 - what the test is looking for
                errors.append(f"iteration {i}: {type(exc).__name__}: {exc}")
        engine.dispose()
    except BaseException:  # noqa: BLE001 - reported to the parent, which would wait otherwise
        errors.append(traceback.format_exc())
        barrier.abort()
    results.put(Outcome(who, errors, clean))


class _LostCreation(Exception):
    """create_user's clean refusal of a name another process took first."""


CLEAN = (Conflict, _LostCreation)


def _series(engine, who: int, i: int, _extra) -> None:
    spec = SeriesIn(ticker=f"S{i}", title=f"by {who}", category="Test")
    with engine.begin() as conn:
        series.upsert(conn, spec, NOW + who)


def _target(engine, who: int, i: int, _extra) -> None:
    spec = StructuredTargetIn(id=f"T{i}", name=f"by {who}", type="team", details={"league": f"L{who}"})
    with engine.begin() as conn:
        structured_targets.upsert(conn, spec, NOW + who)


def _milestone(engine, who: int, i: int, _extra) -> None:
    spec = milestone_spec(f"M{i}", f"by {who}", related=[f"E{who}"])
    with engine.begin() as conn:
        milestones.upsert(conn, spec, NOW + who)


def _live_data(engine, who: int, i: int, _extra) -> None:
    spec = LiveDataIn(milestone_id=f"M{i}", type="football_game", details={"by": who})
    with engine.begin() as conn:
        live_data.upsert(conn, spec, NOW + who)


def _upsert_user(engine, who: int, i: int, public_pem: str) -> None:
    key = ApiKeyIn(id=f"k{i}", public_key=public_pem, name=f"by {who}")
    spec = UserIn(name=f"u{i}", balance=BALANCES[who], api_keys=[key])
    with engine.begin() as conn:
        accounts.upsert_user(conn, spec, NOW + who)


def _create_user(engine, who: int, i: int, _extra) -> None:
    try:
        with engine.begin() as conn:
            accounts.create_user(conn, f"u{i}", now_us=NOW + who, balance_cents=100 * (who + 1))
    except accounts.AccountError as exc:
        if "already exists" not in str(exc):
            raise
        raise _LostCreation() from None


def _load(engine, who: int, i: int, public_pem: str) -> None:
    loader.apply(engine, loader.parse_data(scenario(who, i, public_pem), "test"), NOW + who, "test")


def _load_without_exchange(engine, who: int, i: int, public_pem: str) -> None:
    # Without `exchange:` the first write of a load is no longer the state row, which serialized loads on SQLite.
    data = {**scenario(who, i, public_pem), "exchange": None}
    loader.apply(engine, loader.parse_data(data, "test"), NOW + who, "test")


def milestone_spec(milestone_id: str, title: str, related: list[str] = ()) -> MilestoneIn:
    return MilestoneIn(
        id=milestone_id,
        category="Sports",
        type="football_game",
        title=title,
        start_date="2026-01-01T00:00:00Z",
        related_event_tickers=list(related),
    )


def scenario(who: int, i: int, public_pem: str) -> dict:
    """Iteration i's scenario as worker `who` writes it: same keys for both workers."""
    day = "2026-01-01T00:00:00Z"
    return {
        "exchange": {"trading_active": who == 0},
        "series": [{"ticker": f"LS{i}", "title": f"by {who}", "category": "Test"}],
        "events": [
            {
                "event_ticker": f"LE{i}",
                "series_ticker": f"LS{i}",
                "title": f"by {who}",
                "markets": [{"ticker": f"LM{i}", "open_time": day, "close_time": "2031-01-01T00:00:00Z"}],
            }
        ],
        "milestones": [
            {"id": f"LMS{i}", "category": "Sports", "type": "football_game", "title": f"by {who}",
             "start_date": day, "related_event_tickers": [f"LE{i}"]}
        ],
        "structured_targets": [{"id": f"LT{i}", "name": f"by {who}", "type": "team", "details": {"league": "NFL"}}],
        "live_data": [{"milestone_id": f"LMS{i}", "type": "football_game", "details": {"by": who}}],
        "announcements": [
            {"type": "info", "message": "welcome", "delivery_time": day},
            {"type": "info", "message": f"note {i}", "delivery_time": day},
        ],
        "fee_changes": [
            {"id": f"LF{i}", "series_ticker": f"LS{i}", "fee_type": "quadratic", "fee_multiplier": who + 1,
             "scheduled_time": day}
        ],
        "incentive_programs": [
            {"id": f"LI{i}", "market_ticker": f"LM{i}", "incentive_type": "volume", "start_date": day,
             "end_date": "2027-01-01T00:00:00Z", "period_reward": 100 * (who + 1)}
        ],
        "users": [{"name": f"lu{i}", "balance": BALANCES[who], "api_keys": [{"id": f"lk{i}", "public_key": public_pem}]}],
    }


OPS: dict[str, Callable] = {
    "series": _series,
    "structured_target": _target,
    "milestone": _milestone,
    "live_data": _live_data,
    "upsert_user": _upsert_user,
    "create_user": _create_user,
    "load": _load,
    "load_without_exchange": _load_without_exchange,
}
