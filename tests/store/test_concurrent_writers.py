"""Two processes writing the same keys into one store at once, on SQLite and PostgreSQL.

Every upsert must be atomic: no exception but a clean Conflict, exactly one
row per key afterwards, and the values one of the two writers wrote.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kalshi_local.auth.keys import generate_key_pair
from kalshi_local.exchange.money import Amount
from kalshi_local.store import db, live_data, milestones, schema

from ..conftest import BACKENDS, new_database_url
from .concurrent import BALANCES, NOW, milestone_spec, run_pair

ITERATIONS = 30


@pytest.fixture(params=BACKENDS)
def url(request):
    url = db.database_url(url=new_database_url(request, request.param))
    engine = db.open_engine(url)
    db.create_schema(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def public_pem() -> str:
    return generate_key_pair()[1]


def read(url: str, query) -> list:
    engine = db.open_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(query).all()
    finally:
        engine.dispose()


def per_key(url: str, column) -> dict:
    return dict(read(url, select(column, func.count()).group_by(column)))


def no_errors(outcomes) -> None:
    assert [outcome.errors for outcome in outcomes] == [[], []]


def test_series_upserts_from_two_processes(url):
    outcomes = run_pair(url, "series", ITERATIONS)
    no_errors(outcomes)
    assert per_key(url, schema.series.c.ticker) == {f"S{i}": 1 for i in range(ITERATIONS)}
    assert {title for (title,) in read(url, select(schema.series.c.title))} <= {"by 0", "by 1"}


def test_structured_target_upserts_from_two_processes(url):
    outcomes = run_pair(url, "structured_target", ITERATIONS)
    no_errors(outcomes)
    t, link = schema.structured_targets.c, schema.target_competitions.c
    assert per_key(url, t.id) == {f"T{i}": 1 for i in range(ITERATIONS)}
    # Each target keeps exactly the competition of the writer whose name it shows.
    rows = read(url, select(t.name, link.competition).join_from(schema.structured_targets, schema.target_competitions, t.seq == link.target_seq))
    assert len(rows) == ITERATIONS
    assert all(competition == "L" + name.removeprefix("by ") for name, competition in rows)


def test_milestone_upserts_from_two_processes(url):
    outcomes = run_pair(url, "milestone", ITERATIONS)
    no_errors(outcomes)
    m, link = schema.milestones.c, schema.milestone_events.c
    assert per_key(url, m.id) == {f"M{i}": 1 for i in range(ITERATIONS)}
    rows = read(url, select(m.title, link.event_ticker).join_from(schema.milestones, schema.milestone_events, m.seq == link.milestone_seq))
    assert len(rows) == ITERATIONS
    assert all(ticker == "E" + title.removeprefix("by ") for title, ticker in rows)


def test_live_data_upserts_from_two_processes(url):
    engine = db.open_engine(url)
    with engine.begin() as conn:
        milestones.upsert_many(conn, [milestone_spec(f"M{i}", "game") for i in range(ITERATIONS)], NOW)
    engine.dispose()
    outcomes = run_pair(url, "live_data", ITERATIONS)
    no_errors(outcomes)
    d = schema.live_data.c
    assert per_key(url, d.milestone_id) == {f"M{i}": 1 for i in range(ITERATIONS)}
    assert {details for (details,) in read(url, select(d.details))} <= {'{"by":0}', '{"by":1}'}


def balances_match_transfers(url: str) -> dict[str, int]:
    """Each user's balance in cents, checked against the sum of their deposits and withdrawals."""
    u, b, t = schema.users.c, schema.balances.c, schema.transfers.c
    shown = dict(read(url, select(u.name, b.balance).join_from(schema.users, schema.balances)))

    def total(kind: str) -> dict[str, int]:
        query = select(u.name, func.sum(t.amount_cents)).join_from(schema.users, schema.transfers)
        return dict(read(url, query.where(t.kind == kind).group_by(u.name)))

    deposits, withdrawals = total("deposit"), total("withdrawal")
    cents = {name: Amount(units).to_cents() for name, units in shown.items()}
    assert cents == {name: deposits.get(name, 0) - withdrawals.get(name, 0) for name in shown}
    return cents


def test_user_upserts_from_two_processes(url, public_pem):
    outcomes = run_pair(url, "upsert_user", ITERATIONS, public_pem)
    no_errors(outcomes)
    assert per_key(url, schema.users.c.name) == {f"u{i}": 1 for i in range(ITERATIONS)}
    assert per_key(url, schema.api_keys.c.key_id) == {f"k{i}": 1 for i in range(ITERATIONS)}
    assert set(balances_match_transfers(url).values()) <= {int(dollars) * 100 for dollars in BALANCES}


def test_user_creation_from_two_processes_has_one_winner(url):
    outcomes = run_pair(url, "create_user", ITERATIONS)
    no_errors(outcomes)
    assert sum(outcome.clean for outcome in outcomes) == ITERATIONS  # the other one was told it exists
    assert per_key(url, schema.users.c.name) == {f"u{i}": 1 for i in range(ITERATIONS)}
    assert set(balances_match_transfers(url).values()) <= {100, 200}


@pytest.mark.parametrize("op", ["load", "load_without_exchange"])
def test_overlapping_scenario_loads(url, public_pem, op):
    iterations = 12
    outcomes = run_pair(url, op, iterations, public_pem)
    no_errors(outcomes)
    assert len(read(url, select(schema.exchange_state))) == (op == "load")
    a = schema.announcements.c
    expected = {("welcome", 1)} | {(f"note {i}", 1) for i in range(iterations)}
    assert set(read(url, select(a.message, func.count()).group_by(a.message, a.delivery_us))) == expected
    keys = {
        schema.series.c.ticker: "LS",
        schema.events.c.event_ticker: "LE",
        schema.markets.c.ticker: "LM",
        schema.milestones.c.id: "LMS",
        schema.structured_targets.c.id: "LT",
        schema.live_data.c.milestone_id: "LMS",
        schema.fee_changes.c.id: "LF",
        schema.incentive_programs.c.id: "LI",
        schema.users.c.name: "lu",
        schema.api_keys.c.key_id: "lk",
    }
    for column, prefix in keys.items():
        assert per_key(url, column) == {f"{prefix}{i}": 1 for i in range(iterations)}, column
    assert len(read(url, select(schema.milestone_events))) == iterations
    assert len(read(url, select(schema.target_competitions))) == iterations
    assert set(balances_match_transfers(url).values()) <= {int(dollars) * 100 for dollars in BALANCES}
    engine = db.open_engine(url)
    with engine.connect() as conn:
        assert {live_data.get(conn, f"LMS{i}").type for i in range(iterations)} == {"football_game"}
    engine.dispose()
