"""Scenario files: a bad file is refused whole with file, field path and reason;
a good one is written in one transaction, with upsert semantics."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from kalshi_local.scenario import loader
from kalshi_local.store import schema

NOW = 1_795_000_000_000_000
SERIES = {"ticker": "KXS", "title": "Series", "category": "Economics"}


def market(ticker: str, **extra) -> dict:
    return {"ticker": ticker, "open_time": "2026-01-01T00:00:00Z", "close_time": "2031-01-01T00:00:00Z", **extra}


def event(ticker: str, *markets: dict, series: str = "KXS", **extra) -> dict:
    return {"event_ticker": ticker, "series_ticker": series, "title": f"Event {ticker}", "markets": list(markets), **extra}


def milestone(ident: str, **extra) -> dict:
    return {"id": ident, "category": "Sports", "type": "football_game", "title": f"Game {ident}",
            "start_date": "2027-01-10T18:00:00Z", **extra}


def write_file(tmp_path, name: str, content) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def load(engine, *paths: str) -> list[dict]:
    return loader.apply_all(engine, [loader.open_file(p) for p in paths], NOW)


def rows(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def nothing_written(engine) -> bool:
    tables = (schema.series, schema.events, schema.markets, schema.milestones, schema.structured_targets)
    return all(rows(engine, table) == 0 for table in tables)


# --- bad files ----------------------------------------------------------------------------------------

BAD_YAML = [
    ("wrong type", "series:\n  - {ticker: KXS, title: 5, category: c}\n", "$.series[0].title", "Expected `str`, got `int`"),
    ("unknown field", "series:\n  - {ticker: KXS, title: t, category: c, colour: red}\n", "$.series[0].colour",
     "unknown field"),
    ("missing field", "series:\n  - {ticker: KXS, title: t}\n", "$.series[0].category", "required field is missing"),
    ("bad date", "series: [{ticker: KXS, title: t, category: c}]\nevents:\n  - event_ticker: KXS-1\n"
     "    series_ticker: KXS\n    title: t\n    markets:\n      - {ticker: KXS-1-A, open_time: 2026-01-01T00:00:00Z,"
     " close_time: 2027-02-30T00:00:00Z}\n", "$.events[0].markets[0].close_time", "must be an RFC 3339 date-time"),
    ("price above a dollar", "series: [{ticker: KXS, title: t, category: c}]\nevents:\n  - event_ticker: KXS-1\n"
     "    series_ticker: KXS\n    title: t\n    markets:\n      - {ticker: KXS-1-A, open_time: 2026-01-01T00:00:00Z,"
     " close_time: 2031-01-01T00:00:00Z, yes_bid_dollars: '1.0100'}\n",
     "$.events[0].markets[0].yes_bid_dollars", "must be at most 1.0000"),
    ("price as a number", "series: [{ticker: KXS, title: t, category: c}]\nevents:\n  - event_ticker: KXS-1\n"
     "    series_ticker: KXS\n    title: t\n    markets:\n      - {ticker: KXS-1-A, open_time: 2026-01-01T00:00:00Z,"
     " close_time: 2031-01-01T00:00:00Z, last_price_dollars: 0.5}\n",
     "$.events[0].markets[0].last_price_dollars", "Expected `str`, got `float`"),
    ("bad ticker", "series:\n  - {ticker: 'KX S', title: t, category: c}\n", "$.series[0].ticker", "matching regex"),
    ("unknown section", "markets: []\n", "$.markets", "unknown field"),
    ("not a mapping", "- 1\n- 2\n", "$", "a scenario must be a mapping"),
]


@pytest.mark.parametrize(("content", "path", "reason"), [c[1:] for c in BAD_YAML], ids=[c[0] for c in BAD_YAML])
def test_a_bad_yaml_file_is_refused_with_file_path_and_reason(engine, tmp_path, content, path, reason):
    name = write_file(tmp_path, "bad.yaml", content)
    with pytest.raises(loader.ScenarioError) as caught:
        load(engine, name)
    message = str(caught.value)
    assert message.startswith(f"{name}: {path}: "), message
    assert reason in message
    assert nothing_written(engine)


def test_an_event_of_an_unknown_series_is_refused_and_nothing_is_written(engine, tmp_path):
    # The first event is fine and is written before the second fails: the transaction undoes it.
    data = {"series": [SERIES], "events": [event("KXS-1", market("KXS-1-A")), event("KXS-2", series="KXNOPE")]}
    name = write_file(tmp_path, "orphan.yaml", json.dumps(data))
    with pytest.raises(loader.ScenarioError, match=r"orphan\.yaml: \$\.events\[1\]: series KXNOPE not found"):
        load(engine, name)
    assert nothing_written(engine)


def test_a_market_listed_under_two_events_is_refused(engine, tmp_path):
    data = {"series": [SERIES], "events": [event("KXS-1", market("KXS-M")), event("KXS-2", market("KXS-M"))]}
    name = write_file(tmp_path, "twice.json", data)
    with pytest.raises(loader.ScenarioError, match=r"\$\.events\[1\]\.markets\[0\]: market KXS-M already belongs"):
        load(engine, name)
    assert nothing_written(engine)


def test_live_data_of_an_unknown_milestone_is_refused(engine, tmp_path):
    name = write_file(tmp_path, "live.json", {"live_data": [{"milestone_id": "m-ghost", "type": "football_game"}]})
    with pytest.raises(loader.ScenarioError, match=r"\$\.live_data\[0\]: milestone m-ghost not found"):
        load(engine, name)


@pytest.mark.parametrize(
    ("content", "reason"),
    [("{\"series\": [", "not valid JSON"), ("[]", "$: Expected `object`, got `array`"),
     ("{\"series\": 3}", "$.series: Expected `array`, got `int`")],
    ids=["truncated", "an array", "a section of the wrong type"],
)
def test_a_bad_json_file_is_refused_before_anything_is_written(engine, tmp_path, content, reason):
    name = write_file(tmp_path, "bad.json", content)
    with pytest.raises(loader.ScenarioError) as caught:
        load(engine, name)
    assert str(caught.value).startswith(f"{name}: ") and reason in str(caught.value)
    assert nothing_written(engine)


def test_invalid_yaml_names_the_file(engine, tmp_path):
    name = write_file(tmp_path, "broken.yaml", "series: [unclosed\n")
    with pytest.raises(loader.ScenarioError, match=r"broken\.yaml: not valid YAML"):
        load(engine, name)


def test_a_missing_file_names_the_file(tmp_path):
    with pytest.raises(loader.ScenarioError, match=r"nope\.yaml: cannot read"):
        loader.open_file(tmp_path / "nope.yaml")


def test_a_json_item_far_down_the_file_is_named_by_its_index(engine, tmp_path):
    count = loader.CHUNK + 10
    items = [milestone(f"m-{i}") for i in range(count)]
    items[loader.CHUNK + 3]["title"] = 7
    name = write_file(tmp_path, "big.json", {"milestones": items})
    with pytest.raises(loader.ScenarioError, match=rf"\$\.milestones\[{loader.CHUNK + 3}\]\.title: Expected `str`"):
        load(engine, name)
    assert rows(engine, schema.milestones) == 0


# --- good files ---------------------------------------------------------------------------------------


def test_a_scenario_spanning_several_chunks_is_written_whole(engine, tmp_path):
    count = 2 * loader.CHUNK + 7
    data = {"milestones": [milestone(f"m-{i}", related_event_tickers=["KXA-1", "KXB-1"]) for i in range(count)],
            "structured_targets": [{"id": f"t-{i}", "name": "T", "type": "team", "details": {"league": "L"}}
                                   for i in range(count)]}
    counts = load(engine, write_file(tmp_path, "many.json", data))[0]
    assert (counts["milestones"], counts["structured_targets"]) == (count, count)
    assert rows(engine, schema.milestones) == rows(engine, schema.structured_targets) == count
    assert rows(engine, schema.milestone_events) == 2 * count
    assert rows(engine, schema.target_competitions) == count


def test_loading_again_updates_rows_in_place(engine, tmp_path):
    first = {"series": [SERIES], "events": [event("KXS-1", market("KXS-1-A"))],
             "milestones": [milestone("m-1", related_event_tickers=["KXS-1"])]}
    load(engine, write_file(tmp_path, "one.json", first))
    def seqs() -> tuple:
        with engine.connect() as conn:
            return tuple(conn.execute(select(t.c.seq)).scalar_one() for t in (schema.milestones, schema.markets))

    before = seqs()
    second = json.loads(json.dumps(first))
    second["milestones"][0].update(title="Renamed", related_event_tickers=["KXS-2"])
    second["events"][0]["markets"][0]["yes_bid_dollars"] = "0.3300"
    load(engine, write_file(tmp_path, "two.json", second))
    assert seqs() == before
    with engine.connect() as conn:
        assert conn.execute(select(schema.milestones.c.title)).scalar_one() == "Renamed"
        assert conn.execute(select(schema.markets.c.yes_bid)).scalar_one() == 3300
        links = conn.execute(select(schema.milestone_events.c.event_ticker)).scalars().all()
    assert links == ["KXS-2"]


def test_a_later_duplicate_id_in_one_file_wins(engine, tmp_path):
    data = {"milestones": [milestone("m-1", title="First"), milestone("m-2"), milestone("m-1", title="Second")]}
    load(engine, write_file(tmp_path, "dups.json", data))
    with engine.connect() as conn:
        titles = dict(conn.execute(select(schema.milestones.c.id, schema.milestones.c.title)).all())
    assert titles == {"m-1": "Second", "m-2": "Game m-2"}


def test_unquoted_yaml_dates_are_read_as_text(engine, tmp_path):
    content = ("milestones:\n  - {id: m-1, category: Sports, type: football_game, title: Game,"
               " start_date: 2027-01-10T18:00:00Z, end_date: 2027-01-11}\n")
    load(engine, write_file(tmp_path, "dates.yaml", content))
    with engine.connect() as conn:
        assert conn.execute(select(schema.milestones.c.start_us)).scalar_one() == 1_799_604_000_000_000


def test_json_and_yaml_files_decode_to_the_same_scenario(tmp_path):
    data = {"series": [SERIES], "events": [event("KXS-1", market("KXS-1-A", floor_strike=2.5))],
            "milestones": [milestone("m-1")]}
    as_json = loader.parse_file(write_file(tmp_path, "s.json", data))
    as_yaml = loader.parse_file(write_file(tmp_path, "s.yaml", json.dumps(data)))
    assert as_json == as_yaml


def test_several_files_load_in_one_transaction(engine, tmp_path):
    first = write_file(tmp_path, "series.yaml", json.dumps({"series": [SERIES]}))
    second = write_file(tmp_path, "events.json", {"events": [event("KXS-1", market("KXS-1-A"))]})
    assert [c["series"] + c["events"] for c in load(engine, first, second)] == [1, 1]
    assert rows(engine, schema.markets) == 1


def test_a_bad_second_file_leaves_the_first_unwritten(engine, tmp_path):
    first = write_file(tmp_path, "series.yaml", json.dumps({"series": [SERIES]}))
    second = write_file(tmp_path, "events.json", {"events": [event("KXS-1", series="KXNOPE")]})
    with pytest.raises(loader.ScenarioError, match=r"events\.json: \$\.events\[0\]"):
        load(engine, first, second)
    assert nothing_written(engine)


def test_count_items_counts_every_item_and_the_exchange(tmp_path):
    data = {"exchange": {"trading_active": False}, "series": [SERIES], "events": [event("KXS-1", market("KXS-1-A"))]}
    assert loader.count_items(loader.open_file(write_file(tmp_path, "c.json", data))) == 3
    assert loader.count_items(loader.parse_file(write_file(tmp_path, "c.yaml", json.dumps(data)))) == 3


def test_progress_reports_every_item(engine, tmp_path):
    seen = []
    data = {"series": [SERIES], "milestones": [milestone(f"m-{i}") for i in range(12)]}
    document = loader.open_file(write_file(tmp_path, "p.json", data))
    loader.apply(engine, document, NOW, "p.json", seen.append)
    assert sum(seen) == 13


def test_a_bad_exchange_section_of_a_json_file_names_its_field(tmp_path):
    name = write_file(tmp_path, "x.json", {"exchange": {"trading_active": "maybe"}})
    with pytest.raises(loader.ScenarioError, match=r"\$\.exchange\.trading_active: Expected `bool`"):
        loader.open_file(name)


def test_the_exchange_section_is_written(engine, tmp_path):
    load(engine, write_file(tmp_path, "x.json", {"exchange": {"trading_active": False}}))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.exchange_state)).scalar_one() == 1
